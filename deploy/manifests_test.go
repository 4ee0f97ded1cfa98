// Package deploy holds the container image (Dockerfile) and the Kubernetes
// manifests (kubernetes/) that run a load test split into execution
// segments over the pods of an Indexed Job. Its tests decode the manifests
// strictly with the Kubernetes API types (k8s.io/api), so the Kubernetes
// modules stay out of the gatecheck binary, and check that the manifests,
// the image and gatecheck-entrypoint agree with each other. No cluster is
// needed.
package deploy

import (
	"bytes"
	"fmt"
	"go/build"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
)

// decoder decodes YAML into the typed objects of the kinds deploy uses,
// refusing unknown and duplicate fields.
func decoder(t *testing.T) runtime.Decoder {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	return json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme,
		json.SerializerOptions{Yaml: true, Strict: true})
}

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// decodeFile decodes every document of a YAML file.
func decodeFile(t *testing.T, dec runtime.Decoder, path string) []runtime.Object {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var objs []runtime.Object
	for i, doc := range docSeparator.Split(string(data), -1) {
		if strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		obj, _, err := dec.Decode([]byte(doc), nil, nil)
		if err != nil {
			t.Fatalf("%s, document %d: %v", path, i+1, err)
		}
		objs = append(objs, obj)
	}
	return objs
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// manifests are every object under kubernetes/, by kind and name.
type manifests struct {
	pvcs        map[string]*corev1.PersistentVolumeClaim
	services    map[string]*corev1.Service
	deployments map[string]*appsv1.Deployment
	jobs        map[string]*batchv1.Job
}

func load(t *testing.T) manifests {
	t.Helper()
	m := manifests{pvcs: map[string]*corev1.PersistentVolumeClaim{}, services: map[string]*corev1.Service{},
		deployments: map[string]*appsv1.Deployment{}, jobs: map[string]*batchv1.Job{}}
	dec := decoder(t)
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("kubernetes/*/*.yaml")
	files = append(files, more...)
	if len(files) < 4 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		for _, obj := range decodeFile(t, dec, f) {
			switch o := obj.(type) {
			case *corev1.PersistentVolumeClaim:
				m.pvcs[o.Name] = o
			case *corev1.Service:
				m.services[o.Name] = o
			case *appsv1.Deployment:
				m.deployments[o.Name] = o
			case *batchv1.Job:
				m.jobs[o.Name] = o
			default:
				t.Fatalf("%s: unexpected kind %T", f, obj)
			}
		}
	}
	return m
}

func TestManifestsDecodeStrictly(t *testing.T) {
	m := load(t)
	if len(m.jobs) != 2 || len(m.pvcs) != 1 || len(m.services) != 1 || len(m.deployments) != 1 {
		t.Fatalf("decoded %d jobs, %d claims, %d services, %d deployments", len(m.jobs), len(m.pvcs), len(m.services), len(m.deployments))
	}
}

// TestStrictDecodingRefusesMistakes proves the decoding is strict: a
// misspelt field, a duplicate field or a wrong type fails.
func TestStrictDecodingRefusesMistakes(t *testing.T) {
	dec := decoder(t)
	good, err := os.ReadFile("kubernetes/load-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := dec.Decode(good, nil, nil); err != nil {
		t.Fatalf("the load Job: %v", err)
	}
	for name, edit := range map[string][2]string{
		"unknown field":   {"completionMode: Indexed", "completionsMode: Indexed"},
		"duplicate field": {"parallelism: 3", "parallelism: 3\n  parallelism: 4"},
		"wrong type":      {"backoffLimit: 0", "backoffLimit: none"},
		"unknown in pod":  {"restartPolicy: Never", "restartPolicy: Never\n      restartPolicyy: Never"},
	} {
		bad := strings.Replace(string(good), edit[0], edit[1], 1)
		if bad == string(good) {
			t.Fatalf("%s: %q is not in the manifest", name, edit[0])
		}
		if _, _, err := dec.Decode([]byte(bad), nil, nil); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}

func env(c corev1.Container, name string) (corev1.EnvVar, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e, true
		}
	}
	return corev1.EnvVar{}, false
}

func mountPath(c corev1.Container, volume string) string {
	for _, v := range c.VolumeMounts {
		if v.Name == volume {
			return v.MountPath
		}
	}
	return ""
}

func claim(spec corev1.PodSpec, volume string) string {
	for _, v := range spec.Volumes {
		if v.Name == volume && v.PersistentVolumeClaim != nil {
			return v.PersistentVolumeClaim.ClaimName
		}
	}
	return ""
}

// parts is a Job's GATECHECK_PARTS.
func parts(t *testing.T, j *batchv1.Job) int32 {
	t.Helper()
	e, ok := env(j.Spec.Template.Spec.Containers[0], "GATECHECK_PARTS")
	if !ok {
		t.Fatalf("job %s: no GATECHECK_PARTS", j.Name)
	}
	n, err := strconv.Atoi(e.Value)
	if err != nil || n < 1 {
		t.Fatalf("job %s: GATECHECK_PARTS %q", j.Name, e.Value)
	}
	return int32(n)
}

func TestLoadJobRunsOneSegmentPerIndex(t *testing.T) {
	m := load(t)
	j := m.jobs["gatecheck-load"]
	if j == nil {
		t.Fatal("no Job gatecheck-load")
	}
	s := j.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
		t.Fatalf("completionMode %v, want Indexed", s.CompletionMode)
	}
	n := parts(t, j)
	if s.Completions == nil || *s.Completions != n || s.Parallelism == nil || *s.Parallelism != n {
		t.Fatalf("completions %v, parallelism %v, GATECHECK_PARTS %d: want all equal, every part at once", s.Completions, s.Parallelism, n)
	}
	if s.BackoffLimit == nil || *s.BackoffLimit != 0 {
		t.Fatalf("backoffLimit %v: a failed part must fail the Job, not run its share again later", s.BackoffLimit)
	}
	if s.ActiveDeadlineSeconds == nil {
		t.Fatal("no activeDeadlineSeconds: a load Job must be bounded in time")
	}
	pod := s.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Fatalf("restartPolicy %s", pod.RestartPolicy)
	}
	c := pod.Containers[0]
	if !slices.Equal(c.Command, []string{"/usr/local/bin/gatecheck-entrypoint", "part"}) {
		t.Fatalf("command %v", c.Command)
	}
	idx, ok := env(c, "JOB_COMPLETION_INDEX")
	if !ok || idx.ValueFrom == nil || idx.ValueFrom.FieldRef == nil ||
		idx.ValueFrom.FieldRef.FieldPath != "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
		t.Fatalf("JOB_COMPLETION_INDEX %+v: want the pod's completion-index annotation", idx)
	}
	results, _ := env(c, "GATECHECK_RESULTS")
	if results.Value == "" || mountPath(c, "results") != results.Value {
		t.Fatalf("GATECHECK_RESULTS %q, results volume mounted at %q", results.Value, mountPath(c, "results"))
	}
	if _, ok := m.pvcs[claim(pod, "results")]; !ok {
		t.Fatalf("the results volume claims %q, not a claim of these manifests", claim(pod, "results"))
	}
	for _, a := range c.Args {
		for _, owned := range []string{"--execution-segment", "--summary-export"} {
			if a == owned || strings.HasPrefix(a, owned+"=") {
				t.Fatalf("args %v set %s, which gatecheck-entrypoint computes", c.Args, owned)
			}
		}
	}
}

func TestMergeJobReadsTheLoadJobsParts(t *testing.T) {
	m := load(t)
	lj, mj := m.jobs["gatecheck-load"], m.jobs["gatecheck-merge"]
	if lj == nil || mj == nil {
		t.Fatal("want Jobs gatecheck-load and gatecheck-merge")
	}
	if parts(t, mj) != parts(t, lj) {
		t.Fatalf("the merge expects %d parts, the load Job makes %d", parts(t, mj), parts(t, lj))
	}
	lc, mc := lj.Spec.Template.Spec.Containers[0], mj.Spec.Template.Spec.Containers[0]
	if !slices.Equal(mc.Command, []string{"/usr/local/bin/gatecheck-entrypoint", "merge"}) {
		t.Fatalf("command %v", mc.Command)
	}
	lr, _ := env(lc, "GATECHECK_RESULTS")
	mr, _ := env(mc, "GATECHECK_RESULTS")
	if lr.Value != mr.Value || mountPath(mc, "results") != mr.Value {
		t.Fatalf("the parts go to %q, the merge reads %q (mounted at %q)", lr.Value, mr.Value, mountPath(mc, "results"))
	}
	if claim(lj.Spec.Template.Spec, "results") != claim(mj.Spec.Template.Spec, "results") {
		t.Fatal("the two Jobs mount different result volumes")
	}
	if mj.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever || mj.Spec.BackoffLimit == nil || *mj.Spec.BackoffLimit != 0 {
		t.Fatal("the merge must run once: its exit status is the verdict")
	}
}

func TestLoadTargetsTheMockService(t *testing.T) {
	m := load(t)
	svc, dep := m.services["gatecheck-mock"], m.deployments["gatecheck-mock"]
	if svc == nil || dep == nil {
		t.Fatal("want Service and Deployment gatecheck-mock")
	}
	for k, v := range svc.Spec.Selector {
		if dep.Spec.Template.Labels[k] != v {
			t.Fatalf("the Service selects %s=%s, the mock's pods have %v", k, v, dep.Spec.Template.Labels)
		}
	}
	for k, v := range dep.Spec.Selector.MatchLabels {
		if dep.Spec.Template.Labels[k] != v {
			t.Fatalf("the Deployment selects %s=%s, its pods have %v", k, v, dep.Spec.Template.Labels)
		}
	}
	mc := dep.Spec.Template.Spec.Containers[0]
	port := svc.Spec.Ports[0]
	var containerPort int32
	for _, p := range mc.Ports {
		if p.Name == port.TargetPort.String() {
			containerPort = p.ContainerPort
		}
	}
	if containerPort == 0 || !slices.Contains(mc.Args, fmt.Sprintf("--addr=0.0.0.0:%d", containerPort)) {
		t.Fatalf("the Service's targetPort %s is not the port the mock listens on (args %v, ports %v)", port.TargetPort.String(), mc.Args, mc.Ports)
	}
	want := fmt.Sprintf("http://%s:%d", svc.Name, port.Port)
	if !slices.Contains(mc.Args, "--public-url="+want) {
		t.Fatalf("the mock's --public-url is not %s: %v", want, mc.Args)
	}
	lc := m.jobs["gatecheck-load"].Spec.Template.Spec.Containers[0]
	var target string
	for _, a := range lc.Args {
		if v, ok := strings.CutPrefix(a, "--target="); ok {
			target = v
		}
	}
	if u, err := url.Parse(target); err != nil || u.Host != fmt.Sprintf("%s:%d", svc.Name, port.Port) || target != want {
		t.Fatalf("the load parts target %q, the mock Service is %s", target, want)
	}
}

// podSpecs are every pod template of the manifests.
func podSpecs(m manifests) map[string]corev1.PodSpec {
	specs := map[string]corev1.PodSpec{}
	for n, j := range m.jobs {
		specs["job/"+n] = j.Spec.Template.Spec
	}
	for n, d := range m.deployments {
		specs["deployment/"+n] = d.Spec.Template.Spec
	}
	return specs
}

func TestPodsRunAsNonRootOnOneImage(t *testing.T) {
	m := load(t)
	images := map[string]bool{}
	for name, spec := range podSpecs(m) {
		sc := spec.SecurityContext
		if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
			t.Errorf("%s: the pod must run as a non-root user", name)
		}
		for _, c := range spec.Containers {
			images[c.Image] = true
			cs := c.SecurityContext
			if cs == nil || cs.AllowPrivilegeEscalation == nil || *cs.AllowPrivilegeEscalation ||
				cs.ReadOnlyRootFilesystem == nil || !*cs.ReadOnlyRootFilesystem ||
				cs.Capabilities == nil || !slices.Contains(cs.Capabilities.Drop, corev1.Capability("ALL")) {
				t.Errorf("%s/%s: want no privilege escalation, a read-only root and every capability dropped", name, c.Name)
			}
			if mountPath(c, "tmp") != "/tmp" {
				t.Errorf("%s/%s: a read-only root needs a writable /tmp", name, c.Name)
			}
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Errorf("%s/%s: want a CPU request and a memory limit", name, c.Name)
			}
		}
	}
	if len(images) != 1 {
		t.Errorf("the manifests use %d images %v: want the one deploy/Dockerfile builds", len(images), images)
	}
}

// TestDockerfileMatchesTheManifests checks the image: multi-stage, a
// distroless or scratch runtime, a non-root user, the binaries the
// manifests run built from main packages of this module, and the profile
// the load Job names shipped.
func TestDockerfileMatchesTheManifests(t *testing.T) {
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	var froms []string
	var user string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			froms = append(froms, f[1])
		case "USER":
			user = f[1]
		}
	}
	if len(froms) < 2 {
		t.Fatalf("FROM lines %v: want a build stage and a runtime stage", froms)
	}
	runtimeImage := froms[len(froms)-1]
	if strings.HasPrefix(runtimeImage, "${") {
		arg := strings.Trim(runtimeImage, "${}")
		m := regexp.MustCompile(`(?m)^ARG ` + arg + `=(\S+)`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no default for ARG %s", arg)
		}
		runtimeImage = m[1]
	}
	if !strings.Contains(runtimeImage, "distroless") && runtimeImage != "scratch" {
		t.Fatalf("runtime image %s: want distroless or scratch", runtimeImage)
	}
	uid := strings.Split(user, ":")[0]
	if uid == "" || uid == "0" || uid == "root" {
		t.Fatalf("USER %q: want a non-root user", user)
	}
	m := load(t)
	for name, spec := range podSpecs(m) {
		if spec.SecurityContext != nil && spec.SecurityContext.RunAsUser != nil && strconv.FormatInt(*spec.SecurityContext.RunAsUser, 10) != uid {
			t.Errorf("%s runs as %d, the image's user is %s", name, *spec.SecurityContext.RunAsUser, uid)
		}
	}
	// Every binary a manifest runs is built and copied to /usr/local/bin.
	built := regexp.MustCompile(`-o /out/(\S+) (\./\S+)`).FindAllStringSubmatch(text, -1)
	bins := map[string]bool{"/usr/local/bin/gatecheck": false}
	for _, b := range built {
		pkg, err := build.ImportDir(filepath.Join("..", b[2]), 0)
		if err != nil || pkg.Name != "main" {
			t.Errorf("%s is built from %s, not a main package of this module: %v", b[1], b[2], err)
		}
		bins["/usr/local/bin/"+b[1]] = true
	}
	if !bins["/usr/local/bin/gatecheck"] || !strings.Contains(text, "COPY --from=build /out/gatecheck /out/gatecheck-entrypoint /usr/local/bin/") {
		t.Fatalf("the image does not install gatecheck and gatecheck-entrypoint in /usr/local/bin (built %v)", bins)
	}
	for name, spec := range podSpecs(m) {
		for _, c := range spec.Containers {
			if len(c.Command) > 0 && !bins[c.Command[0]] {
				t.Errorf("%s runs %s, which the image does not build", name, c.Command[0])
			}
		}
	}
	// The profile the load Job names is one the image copies from scenarios/.
	if !strings.Contains(text, "COPY scenarios /scenarios") {
		t.Fatal("the image does not ship scenarios/ as /scenarios")
	}
	for _, a := range m.jobs["gatecheck-load"].Spec.Template.Spec.Containers[0].Args {
		if p, ok := strings.CutPrefix(a, "--profile=/scenarios/"); ok {
			if _, err := os.Stat(filepath.Join("..", "scenarios", p)); err != nil {
				t.Errorf("the load Job's profile %s is not in scenarios/: %v", p, err)
			}
		}
	}
	ignore, err := os.ReadFile("Dockerfile.dockerignore")
	if err != nil || !bytes.Contains(ignore, []byte(".git")) {
		t.Errorf("Dockerfile.dockerignore should keep .git out of the build context: %v", err)
	}
}
