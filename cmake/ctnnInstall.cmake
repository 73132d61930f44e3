# Installs ctnn as a CMake package:
#   <prefix>/include/ctnn/...                 the headers
#   <prefix>/share/cmake/ctnn/ctnnConfig.cmake, ctnnConfigVersion.cmake,
#                             ctnnTargets.cmake
# so that find_package(ctnn 0.1 REQUIRED) gives the target ctnn::ctnn.
# ctnn is header-only, so the package is architecture independent and lives
# under share/ (as nlohmann_json's and Boost.Hana's do).
include(CMakePackageConfigHelpers)

option(CTNN_INSTALL "Generate ctnn's install rules" ${PROJECT_IS_TOP_LEVEL})

if(CTNN_INSTALL)
    set(CTNN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/ctnn"
        CACHE STRING "Where ctnnConfig.cmake is installed, relative to the prefix")

    install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ctnn
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
            COMPONENT ctnn
            FILES_MATCHING PATTERN "*.hpp")

    install(TARGETS ctnn EXPORT ctnnTargets COMPONENT ctnn)
    install(EXPORT ctnnTargets
            NAMESPACE ctnn::
            DESTINATION ${CTNN_INSTALL_CMAKEDIR}
            COMPONENT ctnn)

    configure_package_config_file(
        ${PROJECT_SOURCE_DIR}/cmake/ctnnConfig.cmake.in
        ${PROJECT_BINARY_DIR}/ctnnConfig.cmake
        INSTALL_DESTINATION ${CTNN_INSTALL_CMAKEDIR})
    # 0.x: a request for 0.1 accepts 0.1.y and nothing else; from 1.0 on, any
    # 1.y satisfies a request for 1.x with x <= y.
    write_basic_package_version_file(
        ${PROJECT_BINARY_DIR}/ctnnConfigVersion.cmake
        COMPATIBILITY SameMajorVersion
        ARCH_INDEPENDENT)
    install(FILES ${PROJECT_BINARY_DIR}/ctnnConfig.cmake
                  ${PROJECT_BINARY_DIR}/ctnnConfigVersion.cmake
            DESTINATION ${CTNN_INSTALL_CMAKEDIR}
            COMPONENT ctnn)

    foreach(doc LICENSE README.md CHANGELOG.md)
        if(EXISTS ${PROJECT_SOURCE_DIR}/${doc})
            install(FILES ${PROJECT_SOURCE_DIR}/${doc}
                    DESTINATION ${CMAKE_INSTALL_DOCDIR}
                    COMPONENT ctnn)
        endif()
    endforeach()
endif()
