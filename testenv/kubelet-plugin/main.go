// Command kubelet-plugin looks up image credentials exactly as the kubelet does, with the
// kubelet's own code (k8s.io/kubernetes/pkg/credentialprovider/plugin, v1.37.2): it reads a
// CredentialProviderConfig, validates it, finds the providers in --bin-dir, and for each image
// argument runs the keyring lookup (matchImages gate, cache by key type, expiry, exec). One JSON
// line per lookup: {"pod":..., "image":..., "found":bool, "credentials":[{"username":..., "password":...}]}.
//
// With --kubeconfig, the plugin code gets what a kubelet gives it for service-account tokens
// (KEP-4412): a token source that creates TokenRequests and a service-account reader, both with
// that kubeconfig's identity (a node's: the API server's Node authorizer and NodeRestriction then
// decide, as for a real kubelet), and each --pod NAMESPACE/NAME is looked up with its own keyring
// (its namespace, name, UID and service account, read from the API server). Pods are looked up in
// order, every image for each, in one process: the plugin's cache is shared between them, as in
// a kubelet.
//
//	kubelet-plugin --config FILE --bin-dir DIR [--kubeconfig FILE --pod NS/NAME...] IMAGE...
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	authenticationv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/kubernetes/pkg/credentialprovider/plugin"
)

type credential struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type lookup struct {
	Pod         string       `json:"pod,omitempty"`
	Image       string       `json:"image"`
	Found       bool         `json:"found"`
	Credentials []credential `json:"credentials"`
}

type podList []string

func (p *podList) String() string     { return strings.Join(*p, ",") }
func (p *podList) Set(v string) error { *p = append(*p, v); return nil }

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kubelet-plugin: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	config := flag.String("config", "", "CredentialProviderConfig file (--image-credential-provider-config)")
	binDir := flag.String("bin-dir", "", "provider directory (--image-credential-provider-bin-dir)")
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the kubelet's identity, for service-account tokens")
	kubeContext := flag.String("context", "", "context of --kubeconfig")
	var pods podList
	flag.Var(&pods, "pod", "NAMESPACE/NAME of a pod to look up for (repeatable; needs --kubeconfig)")
	flag.Parse()

	var client *kubernetes.Clientset
	if *kubeconfig != "" {
		rest, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
			&clientcmd.ClientConfigLoadingRules{ExplicitPath: *kubeconfig},
			&clientcmd.ConfigOverrides{CurrentContext: *kubeContext},
		).ClientConfig()
		if err != nil {
			fail("%v", err)
		}
		client = kubernetes.NewForConfigOrDie(rest)
	}
	var getToken func(namespace, name string, tr *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error)
	var getServiceAccount plugin.GetServiceAccountFunc
	if client != nil {
		getToken = func(namespace, name string, tr *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error) {
			return client.CoreV1().ServiceAccounts(namespace).CreateToken(context.Background(), name, tr, metav1.CreateOptions{})
		}
		getServiceAccount = func(namespace, name string) (*v1.ServiceAccount, error) {
			return client.CoreV1().ServiceAccounts(namespace).Get(context.Background(), name, metav1.GetOptions{})
		}
	}
	if err := plugin.RegisterCredentialProviderPlugins(*config, *binDir, getToken, getServiceAccount); err != nil {
		fail("%v", err)
	}
	out := json.NewEncoder(os.Stdout)
	lookUp := func(pod string, keyringFor func() (string, string, string, string)) {
		ns, name, uid, sa := keyringFor()
		keyring := plugin.NewExternalCredentialProviderDockerKeyring(ns, name, uid, sa)
		for _, image := range flag.Args() {
			creds, found := keyring.Lookup(image)
			result := lookup{Pod: pod, Image: image, Found: found, Credentials: []credential{}}
			for _, c := range creds {
				result.Credentials = append(result.Credentials, credential{Username: c.Username, Password: c.Password})
			}
			if err := out.Encode(result); err != nil {
				os.Exit(1)
			}
		}
	}
	if len(pods) == 0 {
		lookUp("", func() (string, string, string, string) { return "default", "pod", "pod-uid", "default" })
		return
	}
	if client == nil {
		fail("--pod needs --kubeconfig")
	}
	for _, ref := range pods {
		ns, name, ok := strings.Cut(ref, "/")
		if !ok {
			fail("--pod %q is not NAMESPACE/NAME", ref)
		}
		pod, err := client.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			fail("reading pod %s: %v", ref, err)
		}
		lookUp(ref, func() (string, string, string, string) {
			return pod.Namespace, pod.Name, string(pod.UID), pod.Spec.ServiceAccountName
		})
	}
}
