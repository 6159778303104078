// The LibTorch headers the model stage uses, precompiled once (see CMakeLists.txt).
#pragma once
#include <torch/nn.h>
#include <torch/optim/adam.h>
#include <torch/script.h>
#include <torch/serialize.h>
