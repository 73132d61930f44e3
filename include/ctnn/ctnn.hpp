// ctnn/ctnn.hpp - everything: networks whose topology is a type, trained and
// checked in constant expressions and at runtime alike.
#pragma once

#include <ctnn/version.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/core/layers.hpp>
#include <ctnn/grad/loss.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/initialise.hpp>
#include <ctnn/grad/backprop.hpp>
#include <ctnn/grad/gradient_check.hpp>
#include <ctnn/train/optimiser.hpp>
#include <ctnn/train/step.hpp>
#include <ctnn/io/load.hpp>
#include <ctnn/train/schedule.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/train/batch.hpp>
#include <ctnn/data/metrics.hpp>
#include <ctnn/train/fit.hpp>
#include <ctnn/io/serialize.hpp>
