// ctnn/ctnn.hpp - everything: networks whose topology is a type, trained and
// checked in constant expressions and at runtime alike.
//
//   core/   math, random numbers, layers, the network, initialisers
//   grad/   losses, backpropagation, central differences, gradient checks
//   train/  optimisers, schedules, training steps, mini-batches, fit, chunking
//   data/   datasets, CSV and metrics
//   io/     loading weights, the text format, C++ header generation
//   verify/ output bounds, robustness certificates, Lipschitz bounds
//   quant/  int8 quantisation and integer-only inference
#pragma once

#include <ctnn/version.hpp>
#include <ctnn/concepts.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/core/layer_traits.hpp>
#include <ctnn/core/layers.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/initialise.hpp>
#include <ctnn/core/context.hpp>
#include <ctnn/core/dropout.hpp>
#include <ctnn/core/batch_norm.hpp>
#include <ctnn/core/fold_batch_norm.hpp>
#include <ctnn/grad/loss.hpp>
#include <ctnn/grad/backprop.hpp>
#include <ctnn/grad/numerical.hpp>
#include <ctnn/grad/gradient_check.hpp>
#include <ctnn/train/optimiser.hpp>
#include <ctnn/train/schedule.hpp>
#include <ctnn/train/step.hpp>
#include <ctnn/train/batch.hpp>
#include <ctnn/train/fit.hpp>
#include <ctnn/grad/batch_gradient_check.hpp>
#include <ctnn/train/chunking.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/data/csv.hpp>
#include <ctnn/data/metrics.hpp>
#include <ctnn/io/load.hpp>
#include <ctnn/io/chars.hpp>
#include <ctnn/io/text.hpp>
#include <ctnn/io/header.hpp>
#include <ctnn/quant/fixed_point.hpp>
#include <ctnn/quant/quantise.hpp>
#include <ctnn/verify/interval.hpp>
#include <ctnn/verify/transfer.hpp>
#include <ctnn/verify/bounds.hpp>
#include <ctnn/verify/robustness.hpp>
#include <ctnn/verify/lipschitz.hpp>
#include <ctnn/quant/header.hpp>
