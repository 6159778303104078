// TensorBoard flags for `vgsales train`; logs are written unless --no-logs.
#include "cli/train_extensions.h"

namespace vgsales::cli {

void add_train_extension_flags(FlagTable& flags, TrainExtensionOptions& options) {
  TensorBoardOptions& tensorboard = options.tensorboard;
  flags.option("--logdir", "DIR", tensorboard.logdir, "TensorBoard log directory (see below)");
  flags.described("--run-name", "NAME", tensorboard.run_name, "a timestamp",
                  "run folder under `--logdir`; a taken name gets `-2`, `-3`, ...");
  flags.bounded("--histogram-freq", "N", tensorboard.histogram_freq, 0, 1000000,
                "weight, bias and activation histograms every N epochs (0 = never)");
  flags.bounded("--image-freq", "N", tensorboard.image_freq, 0, 1000000,
                "predicted-vs-actual plot every N epochs and at the last epoch (0 = never)");
  flags.flag("--no-logs", options.no_logs, "write no TensorBoard logs");
}

Result<std::shared_ptr<TrainExtensions>> open_train_extensions(const TrainExtensionOptions& options,
                                                               TrainingJobHooks& hooks) {
  auto extensions = std::make_shared<TrainExtensions>();
  if (!options.no_logs) {
    TensorBoardOptions tensorboard = options.tensorboard;
    tensorboard.notice = hooks.notice;
    VGSALES_ASSIGN_OR_RETURN(auto observer, open_tensorboard_observer(tensorboard));
    hooks.observers.push_back(observer.get());
    extensions->observers.push_back(std::move(observer));
  }
  return extensions;
}

}  // namespace vgsales::cli
