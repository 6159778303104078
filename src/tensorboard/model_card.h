// The Markdown model card logged to TensorBoard's Text tab: data, schema, architecture, settings, metrics.
#pragma once

#include <string>

#include "model/training_observer.h"

namespace vgsales::tensorboard {

// `outcome` is null while training runs (the card then says so and has no final metrics).
std::string model_card_markdown(const std::string& run_name, const TrainingRunInfo& info,
                                const TrainingOutcome* outcome);

// "50,100,50"-style hyperparameter values as they read in a table.
std::string hyperparameter_text(const HyperparameterValue& value);

}  // namespace vgsales::tensorboard
