// Command goref is the reference the TypeScript ports in @eksa-credprov/core are checked
// against: the kubelet's image matcher (restated from k8s.io/kubernetes
// pkg/credentialprovider/keyring.go on Go's real net/url, net and path/filepath) and Go's
// duration parsing and formatting.
//
// It reads one JSON object per line on stdin and writes one JSON object per line on stdout:
//
//	{"op":"match","pattern":P,"image":I}  -> {"match":bool}
//	{"op":"parse","pattern":P}            -> {"ok":bool}
//	{"op":"duration","text":T}            -> {"ok":bool,"ns":"<int64>","string":"<Duration.String()>"}
//	{"op":"format","ns":"<int64>"}        -> {"string":"..."}
//	{"op":"bench-match","patterns":[...],"images":[...],"rounds":N} -> {"matches":n,"nanos":t}
//	{"op":"awsconfig","config":C,"credentials":K,"profile":P} -> {"settings":{...}} or {"error":E}
//	  (C or K null: no such file; the profile as aws-sdk-go-v2/config LoadSharedConfigProfile
//	  reads it, as the settings the provider uses)
//	{"op":"host","image":I} -> {"string":H} or {"error":E}
//	  (cloud-provider-aws ecr-credential-provider's parseHostFromImageReference)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
)

type request struct {
	Op      string `json:"op"`
	Pattern string `json:"pattern"`
	Image   string `json:"image"`
	Text    string `json:"text"`
	Ns      string `json:"ns"`
	// bench-match: every image against every pattern, Rounds times.
	Patterns []string `json:"patterns"`
	Images   []string `json:"images"`
	Rounds   int      `json:"rounds"`
	// awsconfig: file texts (nil: the file does not exist) and the profile to read.
	Config      *string `json:"config"`
	Credentials *string `json:"credentials"`
	Profile     string  `json:"profile"`
}

type response struct {
	Match  *bool  `json:"match,omitempty"`
	OK     *bool  `json:"ok,omitempty"`
	Ns     string `json:"ns,omitempty"`
	String string `json:"string,omitempty"`
	Error  string `json:"error,omitempty"`
	// bench-match results.
	Matches int   `json:"matches,omitempty"`
	Nanos   int64 `json:"nanos,omitempty"`
	// awsconfig: the profile's non-empty settings under their file key names.
	Settings map[string]string `json:"settings,omitempty"`
}

// sharedConfig reads one profile with the Go SDK's own loader from files holding the given texts.
func sharedConfig(req request) (map[string]string, error) {
	dir, err := os.MkdirTemp("", "goref-awsconfig-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	files := func(name string, text *string) ([]string, error) {
		path := filepath.Join(dir, name)
		if text != nil {
			if err := os.WriteFile(path, []byte(*text), 0o600); err != nil {
				return nil, err
			}
		}
		return []string{path}, nil
	}
	configFiles, err := files("config", req.Config)
	if err != nil {
		return nil, err
	}
	credentialsFiles, err := files("credentials", req.Credentials)
	if err != nil {
		return nil, err
	}
	c, err := config.LoadSharedConfigProfile(context.Background(), req.Profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = configFiles
		o.CredentialsFiles = credentialsFiles
	})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	set := func(key, value string) {
		if value != "" {
			out[key] = value
		}
	}
	set("region", c.Region)
	set("aws_access_key_id", c.Credentials.AccessKeyID)
	set("aws_secret_access_key", c.Credentials.SecretAccessKey)
	set("aws_session_token", c.Credentials.SessionToken)
	set("role_arn", c.RoleARN)
	set("source_profile", c.SourceProfileName)
	set("credential_source", c.CredentialSource)
	set("role_session_name", c.RoleSessionName)
	set("external_id", c.ExternalID)
	set("credential_process", c.CredentialProcess)
	set("web_identity_token_file", c.WebIdentityTokenFile)
	set("ca_bundle", c.CustomCABundle)
	set("endpoint_url", c.BaseEndpoint)
	set("sso_session", c.SSOSessionName)
	set("services", c.ServicesSectionName)
	for service, values := range c.Services.ServiceValues {
		for k, v := range values {
			set("services."+service+"."+k, v)
		}
	}
	return out, nil
}

// parseSchemelessURL is the kubelet's ParseSchemelessURL.
func parseSchemelessURL(schemelessURL string) (*url.URL, error) {
	parsed, err := url.Parse("https://" + schemelessURL)
	if err != nil {
		return nil, err
	}
	parsed.Scheme = ""
	return parsed, nil
}

// splitURL is the kubelet's SplitURL.
func splitURL(u *url.URL) (parts []string, port string) {
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, ""
	}
	return strings.Split(host, "."), port
}

// urlsMatchStr is the kubelet's URLsMatchStr.
func urlsMatchStr(glob, target string) (bool, error) {
	globURL, err := parseSchemelessURL(glob)
	if err != nil {
		return false, err
	}
	targetURL, err := parseSchemelessURL(target)
	if err != nil {
		return false, err
	}
	globParts, globPort := splitURL(globURL)
	targetParts, targetPort := splitURL(targetURL)
	if globPort != targetPort {
		return false, nil
	}
	if len(globParts) != len(targetParts) {
		return false, nil
	}
	if !strings.HasPrefix(targetURL.Path, globURL.Path) {
		return false, nil
	}
	for k, globPart := range globParts {
		matched, err := filepath.Match(globPart, targetParts[k])
		if err != nil {
			return false, err
		}
		if !matched {
			return false, nil
		}
	}
	return true, nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			os.Stderr.WriteString("goref: bad request: " + err.Error() + "\n")
			os.Exit(2)
		}
		var resp response
		switch req.Op {
		case "match":
			m, _ := urlsMatchStr(req.Pattern, req.Image)
			resp.Match = &m
		case "parse":
			_, err := parseSchemelessURL(req.Pattern)
			ok := err == nil
			resp.OK = &ok
			if err != nil {
				resp.Error = err.Error()
			}
		case "duration":
			d, err := time.ParseDuration(req.Text)
			ok := err == nil
			resp.OK = &ok
			if err != nil {
				resp.Error = err.Error()
			} else {
				resp.Ns = strconv.FormatInt(int64(d), 10)
				resp.String = d.String()
			}
		case "format":
			n, err := strconv.ParseInt(req.Ns, 10, 64)
			if err != nil {
				os.Stderr.WriteString("goref: bad ns: " + req.Ns + "\n")
				os.Exit(2)
			}
			resp.String = time.Duration(n).String()
		case "bench-match":
			start := time.Now()
			matches := 0
			for r := 0; r < req.Rounds; r++ {
				for _, image := range req.Images {
					for _, pattern := range req.Patterns {
						if m, _ := urlsMatchStr(pattern, image); m {
							matches++
						}
					}
				}
			}
			resp.Nanos = time.Since(start).Nanoseconds()
			resp.Matches = matches
		case "awsconfig":
			settings, err := sharedConfig(req)
			if err != nil {
				resp.Error = err.Error()
			} else {
				resp.Settings = settings
			}
		case "host":
			// parseHostFromImageReference in cmd/ecr-credential-provider/main.go.
			image := req.Image
			if !strings.Contains(image, "://") {
				image = "https://" + image
			}
			if parsed, err := url.Parse(image); err != nil {
				resp.Error = err.Error()
			} else {
				resp.String = parsed.Hostname()
				ok := true
				resp.OK = &ok
			}
		default:
			os.Stderr.WriteString("goref: unknown op " + req.Op + "\n")
			os.Exit(2)
		}
		if err := enc.Encode(resp); err != nil {
			os.Exit(1)
		}
	}
}
