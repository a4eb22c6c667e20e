// aip-render renders operator install manifests offline, for `npm run upstream` (scripts/upstream.ts).
//
// It links kustomize's krusty and Helm's install action into one small program, so that the project builds one
// tool from the Go module proxy instead of the kustomize and helm binaries.
//
//	aip-render kustomize DIR
//	aip-render helm CHART_DIR -name NAME -namespace NS -kube-version V [-set k=v]... [-set-string k=v]...
//
// The rendered YAML goes to stdout; nothing is fetched from the network.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	if len(os.Args) < 3 {
		fail("usage: aip-render kustomize DIR | aip-render helm CHART_DIR [flags]")
	}
	var out string
	var err error
	switch os.Args[1] {
	case "kustomize":
		out, err = kustomize(os.Args[2])
	case "helm":
		out, err = helm(os.Args[2], os.Args[3:])
	case "version":
		out = "aip-render\n"
	default:
		fail("unknown command " + os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
	if _, err := io.WriteString(os.Stdout, out); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "aip-render: "+msg)
	os.Exit(1)
}

func kustomize(dir string) (string, error) {
	opts := krusty.MakeDefaultOptions()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	m, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return "", err
	}
	b, err := m.AsYaml()
	return string(b), err
}

func helm(chartDir string, args []string) (string, error) {
	fs := flag.NewFlagSet("helm", flag.ContinueOnError)
	name := fs.String("name", "release", "release name")
	namespace := fs.String("namespace", "default", "release namespace")
	kubeVersion := fs.String("kube-version", "", "Kubernetes version the chart renders for")
	var sets, setStrings multi
	fs.Var(&sets, "set", "value (repeatable)")
	fs.Var(&setStrings, "set-string", "string value (repeatable)")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	chrt, err := loader.Load(chartDir)
	if err != nil {
		return "", err
	}
	vals := map[string]interface{}{}
	for _, s := range sets {
		if err := strvals.ParseInto(s, vals); err != nil {
			return "", err
		}
	}
	for _, s := range setStrings {
		if err := strvals.ParseIntoString(s, vals); err != nil {
			return "", err
		}
	}
	client := action.NewInstall(&action.Configuration{})
	client.DryRun = true
	client.DryRunOption = "client"
	client.ClientOnly = true
	client.Replace = true
	client.IncludeCRDs = true
	client.ReleaseName = *name
	client.Namespace = *namespace
	if *kubeVersion != "" {
		kv, err := chartutil.ParseKubeVersion(*kubeVersion)
		if err != nil {
			return "", err
		}
		client.KubeVersion = kv
	}
	rel, err := client.Run(chrt, vals)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(rel.Manifest)
	for _, h := range rel.Hooks {
		if strings.Contains(h.Path, "/tests/") {
			continue
		}
		fmt.Fprintf(&b, "\n---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	return b.String(), nil
}
