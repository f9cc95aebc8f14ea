// Command kubelet-plugin looks up image credentials exactly as the kubelet does, with the
// kubelet's own code (k8s.io/kubernetes/pkg/credentialprovider/plugin, v1.37.2): it reads a
// CredentialProviderConfig, validates it, finds the providers in --bin-dir, and for each image
// argument runs the keyring lookup (matchImages gate, cache by key type, expiry, exec). One JSON
// line per image: {"image":..., "found":bool, "credentials":[{"username":..., "password":...}]}.
//
//	kubelet-plugin --config FILE --bin-dir DIR IMAGE...
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"k8s.io/kubernetes/pkg/credentialprovider/plugin"
)

type credential struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type lookup struct {
	Image       string       `json:"image"`
	Found       bool         `json:"found"`
	Credentials []credential `json:"credentials"`
}

func main() {
	config := flag.String("config", "", "CredentialProviderConfig file (--image-credential-provider-config)")
	binDir := flag.String("bin-dir", "", "provider directory (--image-credential-provider-bin-dir)")
	flag.Parse()
	if err := plugin.RegisterCredentialProviderPlugins(*config, *binDir, nil, nil); err != nil {
		fmt.Fprintln(os.Stderr, "kubelet-plugin:", err)
		os.Exit(2)
	}
	keyring := plugin.NewExternalCredentialProviderDockerKeyring("default", "pod", "pod-uid", "default")
	out := json.NewEncoder(os.Stdout)
	for _, image := range flag.Args() {
		creds, found := keyring.Lookup(image)
		result := lookup{Image: image, Found: found, Credentials: []credential{}}
		for _, c := range creds {
			result.Credentials = append(result.Credentials, credential{Username: c.Username, Password: c.Password})
		}
		if err := out.Encode(result); err != nil {
			os.Exit(1)
		}
	}
}
