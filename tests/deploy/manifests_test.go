// The deployment manifests of deploy/, checked offline: each decodes strictly (an unknown or misspelt field is an
// error) into its own API type, from the projects' Go modules (k8s.io/api, KServe, Knative Serving), and the
// containers they describe are started as `vgsales serve` with their own arguments, environment and probe paths.
package deploytest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kserve "github.com/kserve/kserve/pkg/apis/serving/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	knative "knative.dev/serving/pkg/apis/serving/v1"
	"sigs.k8s.io/yaml"
)

const deployDir = "../../deploy"

// decodeStrict reads deploy/<name> into out, refusing unknown fields and checking apiVersion and kind.
func decodeStrict(t *testing.T, name, apiVersion, kind string, out interface{}) {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(deployDir, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := yaml.UnmarshalStrict(text, out); err != nil {
		t.Fatalf("%s: does not decode strictly: %v", name, err)
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(text, &head); err != nil || head.APIVersion != apiVersion || head.Kind != kind {
		t.Fatalf("%s: apiVersion %q kind %q, want %q %q", name, head.APIVersion, head.Kind, apiVersion, kind)
	}
}

func TestStrictDecodingCatchesUnknownFields(t *testing.T) {
	var deployment appsv1.Deployment
	bad := []byte("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 2\n")
	if err := yaml.UnmarshalStrict(bad, &deployment); err == nil {
		t.Fatal("a misspelt field (replica) decoded without an error")
	}
}

func loadDeployment(t *testing.T) appsv1.Deployment {
	var deployment appsv1.Deployment
	decodeStrict(t, "kubernetes/deployment.yaml", "apps/v1", "Deployment", &deployment)
	return deployment
}

func TestDeployment(t *testing.T) {
	deployment := loadDeployment(t)
	pod := deployment.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	if c.ReadinessProbe == nil || c.LivenessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet == nil {
		t.Fatal("the container needs HTTP readiness and liveness probes")
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Error("the container needs a CPU request and a memory limit")
	}
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("the root filesystem must be read-only")
	}
	if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
		t.Error("the pod must run as non-root")
	}
	if deployment.Spec.Selector == nil || deployment.Spec.Selector.MatchLabels["app.kubernetes.io/name"] !=
		deployment.Spec.Template.Labels["app.kubernetes.io/name"] {
		t.Error("the selector must match the pod template's labels")
	}
}

func TestServiceAutoscalerAndDisruptionBudget(t *testing.T) {
	deployment := loadDeployment(t)
	label := deployment.Spec.Template.Labels["app.kubernetes.io/name"]
	var service corev1.Service
	decodeStrict(t, "kubernetes/service.yaml", "v1", "Service", &service)
	if service.Spec.Selector["app.kubernetes.io/name"] != label || service.Spec.Ports[0].TargetPort.StrVal != "http" {
		t.Error("the Service must select the Deployment's pods and target their port named http")
	}
	var hpa autoscalingv2.HorizontalPodAutoscaler
	decodeStrict(t, "kubernetes/hpa.yaml", "autoscaling/v2", "HorizontalPodAutoscaler", &hpa)
	if hpa.Spec.ScaleTargetRef.Name != deployment.Name || hpa.Spec.ScaleTargetRef.Kind != "Deployment" {
		t.Error("the autoscaler must scale the Deployment")
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
		t.Error("the autoscaler should keep at least two replicas (the disruption budget allows one away)")
	}
	var pdb policyv1.PodDisruptionBudget
	decodeStrict(t, "kubernetes/pdb.yaml", "policy/v1", "PodDisruptionBudget", &pdb)
	if pdb.Spec.Selector == nil || pdb.Spec.Selector.MatchLabels["app.kubernetes.io/name"] != label {
		t.Error("the disruption budget must select the Deployment's pods")
	}
}

func loadInferenceService(t *testing.T) kserve.InferenceService {
	var isvc kserve.InferenceService
	decodeStrict(t, "kubernetes/inferenceservice.yaml", "serving.kserve.io/v1beta1", "InferenceService", &isvc)
	if len(isvc.Spec.Predictor.Containers) != 1 {
		t.Fatal("the InferenceService needs one custom predictor container")
	}
	return isvc
}

func loadCloudRun(t *testing.T) knative.Service {
	var service knative.Service
	decodeStrict(t, "cloud-run/service.yaml", "serving.knative.dev/v1", "Service", &service)
	if len(service.Spec.Template.Spec.Containers) != 1 {
		t.Fatal("the Cloud Run service needs one container")
	}
	return service
}

func TestInferenceService(t *testing.T) { loadInferenceService(t) }
func TestCloudRunService(t *testing.T) { loadCloudRun(t) }

// --- the containers started for real -------------------------------------------------------------------------

func freePort(t *testing.T) int {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port
}

// serveContainer starts `vgsales serve` with the container's arguments and environment, changing only what a
// test machine must: the model folder (the test's model), the port (a free one, through AIP_HTTP_PORT or --port)
// and a writable prediction-log folder. It returns the port.
func serveContainer(t *testing.T, c corev1.Container) int {
	binary, model := os.Getenv("VGSALES_BINARY"), os.Getenv("VGSALES_MODEL")
	if binary == "" || model == "" {
		t.Skip("VGSALES_BINARY and VGSALES_MODEL are not set (ctest sets them: ctest -R DeployManifests)")
	}
	port := freePort(t)
	args := []string{"serve"}
	for _, arg := range c.Args {
		switch {
		case strings.HasPrefix(arg, "--model_base_path="):
			arg = "--model_base_path=" + model
		case strings.HasPrefix(arg, "--port="):
			arg = fmt.Sprintf("--port=%d", port)
		case strings.HasPrefix(arg, "--prediction_log="):
			arg = "--prediction_log=" + t.TempDir()
		}
		args = append(args, arg)
	}
	env := []string{"PATH=" + os.Getenv("PATH")}
	for _, variable := range c.Env {
		value := variable.Value
		if variable.Name == "AIP_HTTP_PORT" {
			value = fmt.Sprint(port)
		}
		env = append(env, variable.Name+"="+value)
	}
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	return port
}

// probeAnswers polls the probe's path until it answers 200 (the model loaded), for at most 20 s.
func probeAnswers(t *testing.T, port int, probe *corev1.Probe, what string) {
	t.Helper()
	if probe == nil || probe.HTTPGet == nil {
		t.Fatalf("%s: no HTTP probe", what)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d%s", port, probe.HTTPGet.Path)
	deadline := time.Now().Add(20 * time.Second)
	last := "no answer"
	for time.Now().Before(deadline) {
		response, err := http.Get(url)
		if err == nil {
			response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return
			}
			last = response.Status
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: GET %s never answered 200 (last: %s)", what, url, last)
}

func TestDeploymentContainerAnswersItsProbes(t *testing.T) {
	c := loadDeployment(t).Spec.Template.Spec.Containers[0]
	port := serveContainer(t, c)
	probeAnswers(t, port, c.ReadinessProbe, "readiness")
	probeAnswers(t, port, c.LivenessProbe, "liveness")
}

func TestInferenceServiceContainerAnswersItsProbe(t *testing.T) {
	c := loadInferenceService(t).Spec.Predictor.Containers[0]
	port := serveContainer(t, c)
	probeAnswers(t, port, c.ReadinessProbe, "readiness")
}

func TestCloudRunContainerAnswersItsProbes(t *testing.T) {
	c := loadCloudRun(t).Spec.Template.Spec.Containers[0]
	port := serveContainer(t, c)
	probeAnswers(t, port, c.StartupProbe, "startup")
	probeAnswers(t, port, c.LivenessProbe, "liveness")
}
