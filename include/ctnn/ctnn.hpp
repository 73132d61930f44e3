// ctnn/ctnn.hpp - everything: networks whose topology is a type, trained and
// checked in constant expressions and at runtime alike.
#pragma once

#include <ctnn/version.hpp>
#include <ctnn/math.hpp>
#include <ctnn/random.hpp>
#include <ctnn/layers.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/network.hpp>
#include <ctnn/initialise.hpp>
#include <ctnn/gradient.hpp>
#include <ctnn/gradient_check.hpp>
#include <ctnn/optimizer.hpp>
#include <ctnn/train.hpp>
#include <ctnn/load.hpp>
#include <ctnn/schedule.hpp>
#include <ctnn/data.hpp>
#include <ctnn/batch.hpp>
#include <ctnn/metrics.hpp>
#include <ctnn/fit.hpp>
#include <ctnn/serialize.hpp>
