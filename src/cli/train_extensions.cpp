// TensorBoard flags for `vgsales train`; logs are written unless --no-logs.
#include "cli/train_extensions.h"

#if __has_include("tensorboard/tensorboard_observer.h")
#include "tensorboard/tensorboard_observer.h"
#define VGSALES_HAVE_TENSORBOARD 1
#endif

namespace vgsales::cli {

void add_train_extension_flags(CLI::App& command, TrainExtensionOptions& options) {
  command.add_option("--logdir", options.logdir, "TensorBoard log directory")->default_val("logs");
  command.add_option("--run-name", options.run_name, "run name under --logdir (default: a timestamp)");
  command.add_option("--histogram-freq", options.histogram_freq, "write weight/activation histograms every N epochs (0 = never)")
      ->default_val(5)->check(CLI::Range(0, 1000000));
  command.add_option("--image-freq", options.image_freq, "write the predicted-vs-actual plot every N epochs and at the last epoch (0 = never)")
      ->default_val(10)->check(CLI::Range(0, 1000000));
  command.add_flag("--no-logs", options.no_logs, "do not write TensorBoard logs");
}

Result<std::shared_ptr<TrainExtensions>> open_train_extensions(const TrainExtensionOptions& options, TrainingJobHooks& hooks) {
  auto extensions = std::make_shared<TrainExtensions>();
#ifdef VGSALES_HAVE_TENSORBOARD
  if (!options.no_logs) {
    TensorBoardOptions tensorboard;
    tensorboard.logdir = options.logdir;
    tensorboard.run_name = options.run_name;
    tensorboard.histogram_freq = options.histogram_freq;
    tensorboard.image_freq = options.image_freq;
    tensorboard.notice = hooks.notice;
    VGSALES_ASSIGN_OR_RETURN(auto observer, open_tensorboard_observer(tensorboard));
    hooks.observers.push_back(observer.get());
    extensions->observers.push_back(std::move(observer));
  }
#endif
  return extensions;
}

}  // namespace vgsales::cli
