// Command oci-registry is the test environment's OCI registry, on loopback over TLS with a CA of
// its own, and the tool that fills it the way EKS Anywhere releases fill theirs: a Helm chart
// packaged and pushed with Helm's own libraries, and a PackageBundle pushed as a one-layer OCI
// artifact with oras.
//
//	oci-registry serve --dir DIR
//	    Makes a CA and a server certificate for 127.0.0.1 and localhost (DIR/ca.crt; the key stays
//	    in memory), serves an in-memory registry (go-containerregistry's pkg/registry) on
//	    127.0.0.1:0, and writes its address to DIR/address once it listens. Runs until SIGTERM or
//	    SIGINT.
//	oci-registry push-chart --registry ADDR --ca FILE --chart DIR --repository REPO --version V
//	                        [--image-digest D]
//	    Packages the chart in DIR with its version set to V and, given D, its image placeholder set
//	    to D (what a release stamps), and pushes it to ADDR/REPO:V. Prints the manifest digest.
//	oci-registry push-bundle --registry ADDR --ca FILE --file BUNDLE.yaml --repository REPO --tag T
//	    Pushes the file as the single layer of an OCI manifest tagged ADDR/REPO:T, as the package
//	    controller reads bundles (it fetches the manifest and reads its first layer). Prints the
//	    manifest digest.
package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	helmregistry "helm.sh/helm/v3/pkg/registry"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("oci-registry: ")
	if len(os.Args) < 2 {
		log.Fatal("usage: oci-registry serve|push-chart|push-bundle [flags]")
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "push-chart":
		err = pushChart(os.Args[2:])
	case "push-bundle":
		err = pushBundle(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: use serve, push-chart or push-bundle", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	dir := fs.String("dir", "", "directory for ca.crt and address")
	_ = fs.Parse(args)
	if *dir == "" {
		return errors.New("serve: --dir is required")
	}
	cert, caPEM, err := makeCertificates()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*dir, "ca.crt"), caPEM, 0o644); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := &http.Server{
		Handler:           ggcrregistry.New(ggcrregistry.Logger(log.New(os.Stderr, "oci-registry: ", 0))),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
	}
	// The address file appears whole, once the port is open.
	tmp := filepath.Join(*dir, "address.tmp")
	address := ln.Addr().String()
	if err := os.WriteFile(tmp, []byte(address), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(*dir, "address")); err != nil {
		return err
	}
	fmt.Println(address)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(ctx)
	}()
	if err := server.ServeTLS(ln, "", ""); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// makeCertificates returns a server certificate for 127.0.0.1 and localhost, and the PEM of the
// CA that signed it. Both keys are ECDSA P-256 and live only in this process.
func makeCertificates() (tls.Certificate, []byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "eksa-credprov testenv registry CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leafTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTemplate, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	cert := tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}

func pushChart(args []string) error {
	fs := flag.NewFlagSet("push-chart", flag.ExitOnError)
	addr := fs.String("registry", "", "registry address (host:port)")
	caFile := fs.String("ca", "", "CA certificate of the registry")
	chartDir := fs.String("chart", "", "chart directory")
	repository := fs.String("repository", "", "repository in the registry")
	version := fs.String("version", "", "chart version to stamp and tag")
	imageDigest := fs.String("image-digest", "", "image digest to stamp where values.yaml holds a release placeholder")
	_ = fs.Parse(args)
	if *addr == "" || *caFile == "" || *chartDir == "" || *repository == "" || *version == "" {
		return errors.New("push-chart: --registry, --ca, --chart, --repository and --version are required")
	}
	loaded, err := loader.LoadDir(*chartDir)
	if err != nil {
		return fmt.Errorf("loading chart %s: %w", *chartDir, err)
	}
	loaded.Metadata.Version = *version
	loaded.Metadata.AppVersion = *version
	if *imageDigest != "" {
		if err := stampImageDigest(loaded, *imageDigest); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp("", "oci-registry-chart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	archive, err := chartutil.Save(loaded, tmp)
	if err != nil {
		return fmt.Errorf("packaging chart: %w", err)
	}
	data, err := os.ReadFile(archive)
	if err != nil {
		return err
	}
	client, err := helmregistry.NewRegistryClientWithTLS(os.Stderr, "", "", *caFile, false, "", false)
	if err != nil {
		return fmt.Errorf("helm registry client: %w", err)
	}
	ref := fmt.Sprintf("%s/%s:%s", *addr, *repository, *version)
	result, err := client.Push(data, ref)
	if err != nil {
		return fmt.Errorf("pushing %s: %w", ref, err)
	}
	fmt.Println(result.Manifest.Digest)
	return nil
}

// stampImageDigest replaces the release placeholder `{{credential-provider-package}}` of the
// chart's values.yaml (image.tag and image.digest) with digest, as the release build does.
func stampImageDigest(c *chart.Chart, digest string) error {
	for _, f := range c.Raw {
		if f.Name != chartutil.ValuesfileName {
			continue
		}
		f.Data = bytes.ReplaceAll(f.Data, []byte("{{credential-provider-package}}"), []byte(digest))
		values, err := chartutil.ReadValues(f.Data)
		if err != nil {
			return fmt.Errorf("reading the stamped values.yaml: %w", err)
		}
		c.Values = values
		return nil
	}
	return errors.New("the chart has no values.yaml to stamp")
}

func pushBundle(args []string) error {
	fs := flag.NewFlagSet("push-bundle", flag.ExitOnError)
	addr := fs.String("registry", "", "registry address (host:port)")
	caFile := fs.String("ca", "", "CA certificate of the registry")
	file := fs.String("file", "", "PackageBundle YAML")
	repository := fs.String("repository", "", "repository in the registry")
	tag := fs.String("tag", "", "tag")
	_ = fs.Parse(args)
	if *addr == "" || *caFile == "" || *file == "" || *repository == "" || *tag == "" {
		return errors.New("push-bundle: --registry, --ca, --file, --repository and --tag are required")
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	repo, err := remote.NewRepository(*addr + "/" + *repository)
	if err != nil {
		return err
	}
	httpClient, err := tlsClient(*caFile)
	if err != nil {
		return err
	}
	repo.Client = &auth.Client{Client: httpClient, Cache: auth.NewCache()}
	ctx := context.Background()
	// The media type and title annotation `oras push bundle.yaml` gives a file.
	layer := content.NewDescriptorFromBytes(ocispec.MediaTypeImageLayer, data)
	layer.Annotations = map[string]string{ocispec.AnnotationTitle: filepath.Base(*file)}
	if err := repo.Push(ctx, layer, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("pushing the bundle layer: %w", err)
	}
	manifest, err := oras.PackManifest(ctx, repo, oras.PackManifestVersion1_1,
		"application/vnd.unknown.artifact.v1", oras.PackManifestOptions{Layers: []ocispec.Descriptor{layer}})
	if err != nil {
		return fmt.Errorf("packing the bundle manifest: %w", err)
	}
	if err := repo.Tag(ctx, manifest, *tag); err != nil {
		return fmt.Errorf("tagging %s: %w", *tag, err)
	}
	fmt.Println(manifest.Digest)
	return nil
}

func tlsClient(caFile string) (*http.Client, error) {
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: transport}, nil
}
