// Command apiserver runs a real Kubernetes control plane for tests, on 127.0.0.1 only:
//
//	apiserver etcd  --dir D --client-port P --peer-port Q
//	apiserver serve --dir D --etcd http://127.0.0.1:P --port N --crds DIR --kubeconfig FILE
//
// `etcd` runs go.etcd.io/etcd/server/v3 embedded. `serve` runs kube-apiserver from
// k8s.io/kubernetes (cmd/kube-apiserver/app, the code of the real binary) with token
// authentication and RBAC, then installs the CRDs in DIR, waits until they are Established,
// gives the user "restricted" edit rights in one namespace only, and writes FILE with the
// contexts "admin" (system:masters) and "restricted". Certificates and tokens are created once
// in D and reused, so `serve` can be killed and started again against the same etcd.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: apiserver etcd|serve|free-port [flags]"))
	}
	var err error
	switch os.Args[1] {
	case "etcd":
		err = runEtcd(os.Args[2:])
	case "serve":
		err = runServe(os.Args[2:])
	case "free-port":
		err = printFreePort()
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "apiserver:", err)
	os.Exit(1)
}

func printFreePort() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	fmt.Println(l.Addr().(*net.TCPAddr).Port)
	return nil
}

func runEtcd(args []string) error {
	fs := flag.NewFlagSet("etcd", flag.ExitOnError)
	dir := fs.String("dir", "", "data directory")
	clientPort := fs.Int("client-port", 0, "client port on 127.0.0.1")
	peerPort := fs.Int("peer-port", 0, "peer port on 127.0.0.1")
	_ = fs.Parse(args)
	if *dir == "" || *clientPort == 0 || *peerPort == 0 {
		return errors.New("etcd needs --dir, --client-port and --peer-port")
	}
	cfg := embed.NewConfig()
	cfg.Dir = *dir
	cfg.LogLevel = "error"
	client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", *clientPort)}
	peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", *peerPort)}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{peer}
	cfg.InitialCluster = cfg.Name + "=" + peer.String()
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		return errors.New("etcd did not become ready in 60s")
	}
	fmt.Println("etcd ready on", client.String())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-stop:
	case err := <-e.Err():
		return err
	}
	return nil
}

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	dir := fs.String("dir", "", "state directory (certificates, tokens)")
	etcd := fs.String("etcd", "", "etcd client URL")
	port := fs.Int("port", 0, "secure port on 127.0.0.1")
	crds := fs.String("crds", "", "directory of CustomResourceDefinition YAML files to install")
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig to write once ready")
	restrictedNamespace := fs.String("restricted-namespace", "restricted", "the one namespace the restricted user may edit")
	_ = fs.Parse(args)
	if *dir == "" || *etcd == "" || *port == 0 || *kubeconfig == "" {
		return errors.New("serve needs --dir, --etcd, --port and --kubeconfig")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	st, err := ensureState(*dir)
	if err != nil {
		return err
	}
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs([]string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", *port),
		"--etcd-servers=" + *etcd,
		"--tls-cert-file=" + st.servingCert,
		"--tls-private-key-file=" + st.servingKey,
		"--client-ca-file=" + st.caCert,
		"--token-auth-file=" + st.tokenFile,
		// Node first, as clusters run it: the kubelet-plugin harness requests service-account
		// tokens as a node, which the Node authorizer and NodeRestriction (with its
		// ServiceAccountNodeAudienceRestriction check) decide.
		"--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NodeRestriction",
		// The issuer is this server's own URL, so its discovery document and JWKS can be fetched
		// (anonymously, see allowIssuerDiscovery) by the STS emulator, as IAM fetches a cluster's.
		fmt.Sprintf("--service-account-issuer=https://127.0.0.1:%d", *port),
		"--service-account-key-file=" + st.saKey,
		"--service-account-signing-key-file=" + st.saKey,
		"--service-cluster-ip-range=10.96.0.0/24",
		"--disable-admission-plugins=ServiceAccount",
		"--enable-priority-and-fairness=false",
		// As kubeadm (and so EKS Anywhere) runs it: the credential-provider-package chart's
		// DaemonSet is privileged, and the package controller installs it.
		"--allow-privileged=true",
		"--profiling=false",
		// The endpoint reconciler refuses a loopback address, and there are no Endpoints to keep here.
		"--endpoint-reconciler-type=none",
		// No watch cache for ConfigMaps: their watches are served by etcd itself, so a test can
		// compact etcd and see the 410 Gone a client meets after a long disconnect.
		"--watch-cache-sizes=configmaps#0",
		"--v=0",
	})
	errc := make(chan error, 1)
	go func() { errc <- cmd.Execute() }()

	cfg := &clientcmdapi.Config{
		Clusters: map[string]*clientcmdapi.Cluster{"testenv": {
			Server:                   fmt.Sprintf("https://127.0.0.1:%d", *port),
			CertificateAuthorityData: st.caPEM,
		}},
		AuthInfos: map[string]*clientcmdapi.AuthInfo{
			"admin":      {Token: st.adminToken},
			"restricted": {Token: st.restrictedToken},
			"node":       {Token: st.nodeToken},
		},
		Contexts: map[string]*clientcmdapi.Context{
			"admin":      {Cluster: "testenv", AuthInfo: "admin"},
			"restricted": {Cluster: "testenv", AuthInfo: "restricted", Namespace: *restrictedNamespace},
			// The kubelet of node "testnode" (user system:node:testnode, group system:nodes).
			"node": {Cluster: "testenv", AuthInfo: "node"},
		},
		CurrentContext: "admin",
	}
	rest, err := clientcmd.NewDefaultClientConfig(*cfg, nil).ClientConfig()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	client := kubernetes.NewForConfigOrDie(rest)
	if err := waitReady(ctx, client, errc); err != nil {
		return err
	}
	if *crds != "" {
		if err := installCRDs(ctx, apiextensionsclient.NewForConfigOrDie(rest), *crds); err != nil {
			return err
		}
	}
	if err := allowIssuerDiscovery(ctx, client); err != nil {
		return err
	}
	if err := setUpRestrictedUser(ctx, client, *restrictedNamespace); err != nil {
		return err
	}
	tmp := *kubeconfig + ".tmp"
	if err := clientcmd.WriteToFile(*cfg, tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, *kubeconfig); err != nil {
		return err
	}
	fmt.Printf("kube-apiserver ready on https://127.0.0.1:%d; kubeconfig %s\n", *port, *kubeconfig)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-stop:
		return nil
	case err := <-errc:
		return err
	}
}

func waitReady(ctx context.Context, client *kubernetes.Clientset, errc <-chan error) error {
	for {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil && strings.TrimSpace(string(body)) == "ok" {
			return nil
		}
		select {
		case err := <-errc:
			return fmt.Errorf("kube-apiserver exited before it was ready: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver not ready: %v", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func installCRDs(ctx context.Context, client *apiextensionsclient.Clientset, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		for _, doc := range strings.Split(string(data), "\n---") {
			if strings.TrimSpace(strings.TrimPrefix(doc, "---")) == "" {
				continue
			}
			var crd apiextensionsv1.CustomResourceDefinition
			if err := yaml.UnmarshalStrict([]byte(doc), &crd); err != nil {
				return fmt.Errorf("%s: %v", f, err)
			}
			if crd.Kind != "CustomResourceDefinition" {
				continue
			}
			_, err := client.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, &crd, metav1.CreateOptions{})
			if err != nil && !apierrors.IsAlreadyExists(err) {
				return fmt.Errorf("creating CRD %s: %v", crd.Name, err)
			}
			names = append(names, crd.Name)
		}
	}
	for _, name := range names {
		for {
			crd, err := client.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
			if err == nil && established(crd) {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("CRD %s not Established", name)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

func established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}

// nodeName is the one node whose kubelet identity the kubeconfig's "node" context holds.
const nodeName = "testnode"

// allowIssuerDiscovery lets anyone read the service-account issuer's discovery document and JWKS,
// as a cluster whose issuer IAM must reach does (the documented
// system:service-account-issuer-discovery binding for system:unauthenticated).
func allowIssuerDiscovery(ctx context.Context, client *kubernetes.Clientset) error {
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "testenv:service-account-issuer-discovery"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "system:service-account-issuer-discovery"},
		Subjects:   []rbacv1.Subject{{Kind: "Group", APIGroup: "rbac.authorization.k8s.io", Name: "system:unauthenticated"}},
	}
	if _, err := client.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

func setUpRestrictedUser(ctx context.Context, client *kubernetes.Clientset, namespace string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
	if _, err := client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	// Read and write Secrets, Namespaces-scoped objects and Packages in one namespace, nothing else.
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "restricted-editor", Namespace: namespace},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"secrets", "configmaps"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
			{APIGroups: []string{"packages.eks.amazonaws.com"}, Resources: []string{"packages"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
		},
	}
	if _, err := client.RbacV1().Roles(namespace).Create(ctx, role, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "restricted-editor", Namespace: namespace},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "restricted"}},
	}
	if _, err := client.RbacV1().RoleBindings(namespace).Create(ctx, binding, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

type state struct {
	caCert, servingCert, servingKey, saKey, tokenFile string
	caPEM                                             []byte
	adminToken, restrictedToken, nodeToken            string
}

// ensureState creates the CA, serving certificate, service-account key and tokens once.
func ensureState(dir string) (*state, error) {
	st := &state{
		caCert:      filepath.Join(dir, "ca.crt"),
		servingCert: filepath.Join(dir, "serving.crt"),
		servingKey:  filepath.Join(dir, "serving.key"),
		saKey:       filepath.Join(dir, "sa.key"),
		tokenFile:   filepath.Join(dir, "tokens.csv"),
	}
	if _, err := os.Stat(st.tokenFile); errors.Is(err, os.ErrNotExist) {
		if err := createState(st); err != nil {
			return nil, err
		}
	}
	var err error
	if st.caPEM, err = os.ReadFile(st.caCert); err != nil {
		return nil, err
	}
	tokens, err := os.ReadFile(st.tokenFile)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(tokens)), "\n") {
		fields := strings.Split(line, ",")
		switch fields[1] {
		case "admin":
			st.adminToken = fields[0]
		case "restricted":
			st.restrictedToken = fields[0]
		case "system:node:" + nodeName:
			st.nodeToken = fields[0]
		}
	}
	return st, nil
}

func createState(st *state) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "eksa-credprov testenv CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	servingKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	servingTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	servingDER, err := x509.CreateCertificate(rand.Reader, servingTemplate, caCert, &servingKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	writes := []struct {
		path, typ string
		der       []byte
	}{
		{st.caCert, "CERTIFICATE", caDER},
		{st.servingCert, "CERTIFICATE", servingDER},
	}
	for _, w := range writes {
		if err := os.WriteFile(w.path, pem.EncodeToMemory(&pem.Block{Type: w.typ, Bytes: w.der}), 0o600); err != nil {
			return err
		}
	}
	for path, key := range map[string]*ecdsa.PrivateKey{st.servingKey: servingKey, st.saKey: saKey} {
		der, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return err
		}
	}
	token := func() string {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}
	tokens := fmt.Sprintf("%s,admin,admin,system:masters\n%s,restricted,restricted\n%s,system:node:%s,system:node:%s,system:nodes\n",
		token(), token(), token(), nodeName, nodeName)
	return os.WriteFile(st.tokenFile, []byte(tokens), 0o600)
}
