// Command rolesanywhere emulates AWS IAM Roles Anywhere for tests, on 127.0.0.1 only: the
// control plane (trust anchors, profiles, enable/disable, tags) with the service's validation
// rules, and CreateSession (POST /sessions), where it does what the service does: it rebuilds the
// SigV4 canonical request, verifies the X.509 signature with the certificate in X-Amz-X509,
// verifies the certificate chain to an enabled trust anchor's CA and its validity dates, refuses
// requests dated more than 5 minutes from its clock, checks the profile/role linkage, and returns
// credentials (from moto's STS AssumeRole when --moto is given, so moto accepts them).
//
// Test hooks under /_emulator: POST faults {"statuses":[429,500]} (answered to the next
// CreateSession calls in order), GET sessions (the CreateSession requests received, with the
// canonical request rebuilt), POST reset.
package main

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const account = "123456789012"

var (
	namePattern   = regexp.MustCompile(`^[ a-zA-Z0-9-_]{1,255}$`)
	scopePattern  = regexp.MustCompile(`Credential=[^/]+/\d{8}/([^/]+)/rolesanywhere/`)
	unsafeSession = regexp.MustCompile(`[^\w+=,.@-]`)
)

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type trustAnchor struct {
	TrustAnchorID  string         `json:"trustAnchorId"`
	TrustAnchorArn string         `json:"trustAnchorArn"`
	Name           string         `json:"name"`
	Source         map[string]any `json:"source"`
	Enabled        bool           `json:"enabled"`
	CreatedAt      string         `json:"createdAt"`
	UpdatedAt      string         `json:"updatedAt"`
	roots          []*x509.Certificate
	region         string
}

type profile struct {
	ProfileID                 string   `json:"profileId"`
	ProfileArn                string   `json:"profileArn"`
	Name                      string   `json:"name"`
	RoleArns                  []string `json:"roleArns"`
	ManagedPolicyArns         []string `json:"managedPolicyArns"`
	SessionPolicy             string   `json:"sessionPolicy,omitempty"`
	DurationSeconds           int      `json:"durationSeconds"`
	Enabled                   bool     `json:"enabled"`
	RequireInstanceProperties bool     `json:"requireInstanceProperties"`
	CreatedAt                 string   `json:"createdAt"`
	UpdatedAt                 string   `json:"updatedAt"`
	region                    string
}

type captured struct {
	Method           string            `json:"method"`
	Path             string            `json:"path"`
	RawQuery         string            `json:"rawQuery"`
	Headers          map[string]string `json:"headers"`
	Body             string            `json:"body"`
	CanonicalRequest string            `json:"canonicalRequest"`
	Status           int               `json:"status"`
	Error            string            `json:"error,omitempty"`
}

type server struct {
	mu       sync.Mutex
	anchors  map[string]*trustAnchor
	profiles map[string]*profile
	tags     map[string][]tag
	faults   []int
	sessions []captured
	// pageSize is the most items a List call returns without a pageSize of its own; tests make
	// it small (POST /_emulator/page-size) so that callers must follow nextToken.
	pageSize int
	moto     string
	now      func() time.Time
}

type apiError struct {
	status int
	kind   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func fail(status int, kind, format string, args ...any) *apiError {
	return &apiError{status, kind, fmt.Sprintf(format, args...)}
}

func main() {
	port := flag.Int("port", 0, "port on 127.0.0.1")
	moto := flag.String("moto", "", "moto server URL for STS AssumeRole")
	flag.Parse()
	s := &server{moto: strings.TrimRight(*moto, "/"), now: time.Now}
	s.reset()
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "rolesanywhere:", err)
		os.Exit(1)
	}
	fmt.Printf("rolesanywhere emulator on http://%s\n", l.Addr())
	if err := http.Serve(l, s); err != nil {
		fmt.Fprintln(os.Stderr, "rolesanywhere:", err)
		os.Exit(1)
	}
}

func (s *server) reset() {
	s.anchors = map[string]*trustAnchor{}
	s.profiles = map[string]*profile{}
	s.tags = map[string][]tag{}
	s.faults = nil
	s.pageSize = defaultPageSize
	// Empty, not nil: a nil slice would be sent as JSON null before the first CreateSession.
	s.sessions = []captured{}
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// regionOf takes the region from a SigV4 Authorization header's credential scope.
func regionOf(r *http.Request) string {
	if m := scopePattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return "us-east-1"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		e = fail(500, "InternalServerException", "%v", err)
	}
	w.Header().Set("X-Amzn-ErrorType", e.kind)
	writeJSON(w, e.status, map[string]string{"message": e.msg})
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	defer s.mu.Unlock()
	status, out, err := s.route(r, body)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, status, out)
}

var (
	anchorPath  = regexp.MustCompile(`^/trustanchor/([^/]+)(/enable|/disable)?$`)
	profilePath = regexp.MustCompile(`^/profile/([^/]+)(/enable|/disable)?$`)
)

func (s *server) route(r *http.Request, body []byte) (int, any, error) {
	p := r.URL.Path
	switch {
	case p == "/_emulator/reset" && r.Method == http.MethodPost:
		s.reset()
		return 200, map[string]any{}, nil
	case p == "/_emulator/faults" && r.Method == http.MethodPost:
		var in struct{ Statuses []int }
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, nil, fail(400, "ValidationException", "bad faults body: %v", err)
		}
		s.faults = append(s.faults, in.Statuses...)
		return 200, map[string]any{"queued": len(s.faults)}, nil
	case p == "/_emulator/page-size" && r.Method == http.MethodPost:
		var in struct{ PageSize int }
		if err := json.Unmarshal(body, &in); err != nil || in.PageSize < 1 {
			return 0, nil, fail(400, "ValidationException", "bad page-size body: want {\"pageSize\": N >= 1}")
		}
		s.pageSize = in.PageSize
		return 200, map[string]any{}, nil
	case p == "/_emulator/sessions" && r.Method == http.MethodGet:
		return 200, map[string]any{"sessions": s.sessions}, nil
	case p == "/sessions" && r.Method == http.MethodPost:
		return s.createSession(r, body)
	case p == "/trustanchors" && r.Method == http.MethodPost:
		return s.createTrustAnchor(r, body)
	case p == "/trustanchors" && r.Method == http.MethodGet:
		list := []*trustAnchor{}
		for _, a := range s.anchors {
			list = append(list, a)
		}
		sort.Slice(list, func(i, j int) bool {
			return list[i].CreatedAt+list[i].TrustAnchorID < list[j].CreatedAt+list[j].TrustAnchorID
		})
		return page(s, r, "trustAnchors", list)
	case p == "/profiles" && r.Method == http.MethodPost:
		return s.createProfile(r, body)
	case p == "/profiles" && r.Method == http.MethodGet:
		list := []*profile{}
		for _, pr := range s.profiles {
			list = append(list, pr)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].CreatedAt+list[i].ProfileID < list[j].CreatedAt+list[j].ProfileID })
		return page(s, r, "profiles", list)
	case p == "/TagResource" && r.Method == http.MethodPost:
		var in struct {
			ResourceArn string `json:"resourceArn"`
			Tags        []tag  `json:"tags"`
		}
		_ = json.Unmarshal(body, &in)
		if !s.exists(in.ResourceArn) {
			return 0, nil, fail(404, "ResourceNotFoundException", "Resource %s not found", in.ResourceArn)
		}
		s.tags[in.ResourceArn] = mergeTags(s.tags[in.ResourceArn], in.Tags)
		return 200, map[string]any{}, nil
	case p == "/UntagResource" && r.Method == http.MethodPost:
		var in struct {
			ResourceArn string   `json:"resourceArn"`
			TagKeys     []string `json:"tagKeys"`
		}
		_ = json.Unmarshal(body, &in)
		kept := []tag{}
		for _, t := range s.tags[in.ResourceArn] {
			drop := false
			for _, k := range in.TagKeys {
				drop = drop || k == t.Key
			}
			if !drop {
				kept = append(kept, t)
			}
		}
		s.tags[in.ResourceArn] = kept
		return 200, map[string]any{}, nil
	case p == "/ListTagsForResource" && r.Method == http.MethodGet:
		arn := r.URL.Query().Get("resourceArn")
		if !s.exists(arn) {
			return 0, nil, fail(404, "ResourceNotFoundException", "Resource %s not found", arn)
		}
		return 200, map[string]any{"tags": append([]tag{}, s.tags[arn]...)}, nil
	}
	if m := anchorPath.FindStringSubmatch(p); m != nil {
		return s.trustAnchorOp(r, m[1], m[2], body)
	}
	if m := profilePath.FindStringSubmatch(p); m != nil {
		return s.profileOp(r, m[1], m[2], body)
	}
	return 0, nil, fail(404, "UnknownOperationException", "no operation %s %s", r.Method, p)
}

// defaultPageSize is the service's page size when a List call names none.
const defaultPageSize = 50

// page answers a List call one page at a time, as the service does: pageSize (1-50) and the
// nextToken of the previous page in the query; nextToken in the answer until the last page. A
// token is the offset, opaque to callers; one that this list never gave is refused.
func page[T any](s *server, r *http.Request, key string, list []T) (int, any, error) {
	q := r.URL.Query()
	size := s.pageSize
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			return 0, nil, fail(400, "ValidationException", "pageSize must be between 1 and 50")
		}
		size = min(n, s.pageSize)
	}
	start := 0
	if t := q.Get("nextToken"); t != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(t, "page-"))
		if err != nil || !strings.HasPrefix(t, "page-") || n < 0 || n > len(list) {
			return 0, nil, fail(400, "ValidationException", "invalid nextToken")
		}
		start = n
	}
	end := min(start+size, len(list))
	out := map[string]any{key: list[start:end]}
	if end < len(list) {
		out["nextToken"] = fmt.Sprintf("page-%d", end)
	}
	return 200, out, nil
}

func (s *server) exists(arn string) bool {
	for _, a := range s.anchors {
		if a.TrustAnchorArn == arn {
			return true
		}
	}
	for _, pr := range s.profiles {
		if pr.ProfileArn == arn {
			return true
		}
	}
	return false
}

func mergeTags(old, add []tag) []tag {
	out := append([]tag{}, old...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// parseSource checks a CERTIFICATE_BUNDLE source as the service does: PEM CA certificates.
func parseSource(src map[string]any) ([]*x509.Certificate, error) {
	if src == nil || src["sourceType"] != "CERTIFICATE_BUNDLE" {
		return nil, fail(400, "ValidationException", "source.sourceType must be CERTIFICATE_BUNDLE here (AWS_ACM_PCA is not emulated)")
	}
	data, _ := src["sourceData"].(map[string]any)
	text, _ := data["x509CertificateData"].(string)
	if len(text) < 1 || len(text) > 16000 {
		return nil, fail(400, "ValidationException", "x509CertificateData must be 1 to 16000 characters")
	}
	var certs []*x509.Certificate
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fail(400, "ValidationException", "x509CertificateData may hold only CERTIFICATE blocks")
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fail(400, "ValidationException", "Invalid certificate: %v", err)
		}
		if !c.IsCA || c.KeyUsage&x509.KeyUsageCertSign == 0 {
			return nil, fail(400, "ValidationException", "Trust anchor certificate must be a CA certificate with keyCertSign")
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fail(400, "ValidationException", "x509CertificateData holds no PEM certificate")
	}
	return certs, nil
}

func (s *server) createTrustAnchor(r *http.Request, body []byte) (int, any, error) {
	var in struct {
		Name    string         `json:"name"`
		Source  map[string]any `json:"source"`
		Enabled *bool          `json:"enabled"`
		Tags    []tag          `json:"tags"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, fail(400, "ValidationException", "bad request body: %v", err)
	}
	if !namePattern.MatchString(in.Name) {
		return 0, nil, fail(400, "ValidationException", "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[ a-zA-Z0-9-_]*$", in.Name)
	}
	roots, err := parseSource(in.Source)
	if err != nil {
		return 0, nil, err
	}
	id, region, now := newID(), regionOf(r), stamp(s.now())
	a := &trustAnchor{TrustAnchorID: id, TrustAnchorArn: fmt.Sprintf("arn:aws:rolesanywhere:%s:%s:trust-anchor/%s", region, account, id), Name: in.Name,
		Source: in.Source, Enabled: in.Enabled != nil && *in.Enabled, CreatedAt: now, UpdatedAt: now, roots: roots, region: region}
	s.anchors[id] = a
	s.tags[a.TrustAnchorArn] = mergeTags(nil, in.Tags)
	return 201, map[string]any{"trustAnchor": a}, nil
}

func (s *server) trustAnchorOp(r *http.Request, id, action string, body []byte) (int, any, error) {
	a, ok := s.anchors[id]
	if !ok {
		return 0, nil, fail(404, "ResourceNotFoundException", "Trust anchor %s not found", id)
	}
	switch {
	case action == "/enable" && r.Method == http.MethodPost:
		a.Enabled = true
	case action == "/disable" && r.Method == http.MethodPost:
		a.Enabled = false
	case action == "" && r.Method == http.MethodGet:
	case action == "" && r.Method == http.MethodDelete:
		delete(s.anchors, id)
		delete(s.tags, a.TrustAnchorArn)
	case action == "" && r.Method == http.MethodPatch:
		var in struct {
			Name   *string        `json:"name"`
			Source map[string]any `json:"source"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, nil, fail(400, "ValidationException", "bad request body: %v", err)
		}
		if in.Name != nil {
			if !namePattern.MatchString(*in.Name) {
				return 0, nil, fail(400, "ValidationException", "name must match ^[ a-zA-Z0-9-_]*$")
			}
			a.Name = *in.Name
		}
		if in.Source != nil {
			roots, err := parseSource(in.Source)
			if err != nil {
				return 0, nil, err
			}
			a.Source, a.roots = in.Source, roots
		}
	default:
		return 0, nil, fail(404, "UnknownOperationException", "no operation %s %s", r.Method, r.URL.Path)
	}
	a.UpdatedAt = stamp(s.now())
	return 200, map[string]any{"trustAnchor": a}, nil
}

var roleArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)

func (s *server) createProfile(r *http.Request, body []byte) (int, any, error) {
	var in struct {
		Name                      string   `json:"name"`
		RoleArns                  []string `json:"roleArns"`
		ManagedPolicyArns         []string `json:"managedPolicyArns"`
		SessionPolicy             string   `json:"sessionPolicy"`
		DurationSeconds           *int     `json:"durationSeconds"`
		Enabled                   *bool    `json:"enabled"`
		RequireInstanceProperties bool     `json:"requireInstanceProperties"`
		Tags                      []tag    `json:"tags"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, fail(400, "ValidationException", "bad request body: %v", err)
	}
	if !namePattern.MatchString(in.Name) {
		return 0, nil, fail(400, "ValidationException", "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[ a-zA-Z0-9-_]*$", in.Name)
	}
	if len(in.RoleArns) == 0 || len(in.RoleArns) > 250 {
		return 0, nil, fail(400, "ValidationException", "roleArns must hold 1 to 250 role ARNs")
	}
	for _, arn := range in.RoleArns {
		if !roleArnPattern.MatchString(arn) {
			return 0, nil, fail(400, "ValidationException", "Invalid role ARN %s", arn)
		}
	}
	duration := 3600
	if in.DurationSeconds != nil {
		duration = *in.DurationSeconds
	}
	if duration < 900 || duration > 43200 {
		return 0, nil, fail(400, "ValidationException", "durationSeconds must be between 900 and 43200")
	}
	id, region, now := newID(), regionOf(r), stamp(s.now())
	pr := &profile{ProfileID: id, ProfileArn: fmt.Sprintf("arn:aws:rolesanywhere:%s:%s:profile/%s", region, account, id), Name: in.Name, RoleArns: in.RoleArns,
		ManagedPolicyArns: in.ManagedPolicyArns, SessionPolicy: in.SessionPolicy, DurationSeconds: duration, Enabled: in.Enabled != nil && *in.Enabled,
		RequireInstanceProperties: in.RequireInstanceProperties, CreatedAt: now, UpdatedAt: now, region: region}
	if pr.ManagedPolicyArns == nil {
		pr.ManagedPolicyArns = []string{}
	}
	s.profiles[id] = pr
	s.tags[pr.ProfileArn] = mergeTags(nil, in.Tags)
	return 201, map[string]any{"profile": pr}, nil
}

func (s *server) profileOp(r *http.Request, id, action string, body []byte) (int, any, error) {
	pr, ok := s.profiles[id]
	if !ok {
		return 0, nil, fail(404, "ResourceNotFoundException", "Profile %s not found", id)
	}
	switch {
	case action == "/enable" && r.Method == http.MethodPost:
		pr.Enabled = true
	case action == "/disable" && r.Method == http.MethodPost:
		pr.Enabled = false
	case action == "" && r.Method == http.MethodGet:
	case action == "" && r.Method == http.MethodDelete:
		delete(s.profiles, id)
		delete(s.tags, pr.ProfileArn)
	case action == "" && r.Method == http.MethodPatch:
		var in struct {
			Name            *string  `json:"name"`
			RoleArns        []string `json:"roleArns"`
			DurationSeconds *int     `json:"durationSeconds"`
			SessionPolicy   *string  `json:"sessionPolicy"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, nil, fail(400, "ValidationException", "bad request body: %v", err)
		}
		if in.Name != nil {
			pr.Name = *in.Name
		}
		if in.RoleArns != nil {
			pr.RoleArns = in.RoleArns
		}
		if in.DurationSeconds != nil {
			if *in.DurationSeconds < 900 || *in.DurationSeconds > 43200 {
				return 0, nil, fail(400, "ValidationException", "durationSeconds must be between 900 and 43200")
			}
			pr.DurationSeconds = *in.DurationSeconds
		}
		if in.SessionPolicy != nil {
			pr.SessionPolicy = *in.SessionPolicy
		}
	default:
		return 0, nil, fail(404, "UnknownOperationException", "no operation %s %s", r.Method, r.URL.Path)
	}
	pr.UpdatedAt = stamp(s.now())
	return 200, map[string]any{"profile": pr}, nil
}

var authPattern = regexp.MustCompile(`^(AWS4-X509-RSA-SHA256|AWS4-X509-ECDSA-SHA256) Credential=(\d+)/(\d{8})/([^/]+)/rolesanywhere/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]+)$`)

func rfc3986(v string) string {
	return strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
}

func canonicalRequest(r *http.Request, signedHeaders []string, body []byte) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		vals := append([]string{}, q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			pairs = append(pairs, rfc3986(k)+"="+rfc3986(v))
		}
	}
	var headers strings.Builder
	for _, h := range signedHeaders {
		value := r.Header.Get(h)
		if h == "host" {
			value = r.Host
		}
		headers.WriteString(h + ":" + strings.Join(strings.Fields(value), " ") + "\n")
	}
	sum := sha256.Sum256(body)
	return strings.Join([]string{r.Method, r.URL.EscapedPath(), strings.Join(pairs, "&"), headers.String(), strings.Join(signedHeaders, ";"), hex.EncodeToString(sum[:])}, "\n")
}

func (s *server) createSession(r *http.Request, body []byte) (int, any, error) {
	rec := captured{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Headers: map[string]string{}, Body: string(body)}
	for k := range r.Header {
		rec.Headers[strings.ToLower(k)] = r.Header.Get(k)
	}
	rec.Headers["host"] = r.Host
	status, out, err := s.session(r, body, &rec)
	rec.Status = status
	if err != nil {
		var e *apiError
		if errors.As(err, &e) {
			rec.Status = e.status
		}
		rec.Error = err.Error()
	}
	s.sessions = append(s.sessions, rec)
	return status, out, err
}

func (s *server) session(r *http.Request, body []byte, rec *captured) (int, any, error) {
	if len(s.faults) > 0 {
		status := s.faults[0]
		s.faults = s.faults[1:]
		if status == 429 {
			return 0, nil, fail(429, "ThrottlingException", "Rate exceeded")
		}
		return 0, nil, fail(status, "InternalServerException", "injected fault %d", status)
	}
	m := authPattern.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return 0, nil, fail(403, "AccessDeniedException", "Authorization header is not an X.509 SigV4 signature")
	}
	alg, serial, scopeDate, scopeRegion, signedHeaders, sigHex := m[1], m[2], m[3], m[4], strings.Split(m[5], ";"), m[6]
	for _, required := range []string{"host", "x-amz-date", "x-amz-x509"} {
		if !contains(signedHeaders, required) {
			return 0, nil, fail(403, "AccessDeniedException", "%s must be signed", required)
		}
	}
	if r.Header.Get("X-Amz-X509-Chain") != "" && !contains(signedHeaders, "x-amz-x509-chain") {
		return 0, nil, fail(403, "AccessDeniedException", "x-amz-x509-chain must be signed")
	}
	date, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil || date.Format("20060102") != scopeDate {
		return 0, nil, fail(403, "AccessDeniedException", "X-Amz-Date is missing, malformed or does not match the credential scope")
	}
	if skew := s.now().Sub(date); skew > 5*time.Minute || skew < -5*time.Minute {
		return 0, nil, fail(403, "AccessDeniedException", "Signature expired: request date %s is %s from the server time %s (more than 5 minutes); check the client's clock",
			date.Format(time.RFC3339), skew.Round(time.Second), s.now().UTC().Format(time.RFC3339))
	}
	der, err := base64.StdEncoding.DecodeString(r.Header.Get("X-Amz-X509"))
	if err != nil {
		return 0, nil, fail(400, "ValidationException", "X-Amz-X509 is not base64")
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return 0, nil, fail(400, "ValidationException", "X-Amz-X509 is not a certificate: %v", err)
	}
	if leaf.SerialNumber.String() != serial {
		return 0, nil, fail(403, "AccessDeniedException", "Credential serial number does not match the certificate")
	}
	rec.CanonicalRequest = canonicalRequest(r, signedHeaders, body)
	crHash := sha256.Sum256([]byte(rec.CanonicalRequest))
	stringToSign := strings.Join([]string{alg, r.Header.Get("X-Amz-Date"), scopeDate + "/" + scopeRegion + "/rolesanywhere/aws4_request", hex.EncodeToString(crHash[:])}, "\n")
	sig, _ := hex.DecodeString(sigHex)
	digest := sha256.Sum256([]byte(stringToSign))
	valid := false
	switch key := leaf.PublicKey.(type) {
	case *rsa.PublicKey:
		valid = alg == "AWS4-X509-RSA-SHA256" && rsa.VerifyPKCS1v15(key, 5 /* crypto.SHA256 */, digest[:], sig) == nil
	case *ecdsa.PublicKey:
		valid = alg == "AWS4-X509-ECDSA-SHA256" && ecdsa.VerifyASN1(key, digest[:], sig)
	}
	if !valid {
		return 0, nil, fail(403, "AccessDeniedException", "Invalid signature")
	}
	// ARNs: query (aws_signing_helper) or JSON body (the docs' form).
	var in struct {
		ProfileArn      string  `json:"profileArn"`
		RoleArn         string  `json:"roleArn"`
		TrustAnchorArn  string  `json:"trustAnchorArn"`
		DurationSeconds float64 `json:"durationSeconds"`
		RoleSessionName string  `json:"roleSessionName"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, nil, fail(400, "ValidationException", "body is not JSON: %v", err)
		}
	}
	q := r.URL.Query()
	if q.Get("profileArn") != "" {
		in.ProfileArn, in.RoleArn, in.TrustAnchorArn = q.Get("profileArn"), q.Get("roleArn"), q.Get("trustAnchorArn")
	}
	anchor := s.findAnchor(in.TrustAnchorArn)
	if anchor == nil {
		return 0, nil, fail(404, "ResourceNotFoundException", "Trust anchor %s not found", in.TrustAnchorArn)
	}
	if !anchor.Enabled {
		return 0, nil, fail(403, "AccessDeniedException", "Trust anchor is disabled")
	}
	pr := s.findProfile(in.ProfileArn)
	if pr == nil {
		return 0, nil, fail(404, "ResourceNotFoundException", "Profile %s not found", in.ProfileArn)
	}
	if !pr.Enabled {
		return 0, nil, fail(403, "AccessDeniedException", "Profile is disabled")
	}
	if !contains(pr.RoleArns, in.RoleArn) {
		return 0, nil, fail(403, "AccessDeniedException", "Role %s is not in profile %s", in.RoleArn, pr.Name)
	}
	if in.RoleSessionName != "" {
		return 0, nil, fail(403, "AccessDeniedException", "Not authorized to set roleSessionName")
	}
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	for _, c := range anchor.roots {
		roots.AddCert(c)
	}
	if chain := r.Header.Get("X-Amz-X509-Chain"); chain != "" {
		for _, part := range strings.Split(chain, ",") {
			d, err := base64.StdEncoding.DecodeString(part)
			if err != nil {
				return 0, nil, fail(400, "ValidationException", "X-Amz-X509-Chain is not base64")
			}
			c, err := x509.ParseCertificate(d)
			if err != nil {
				return 0, nil, fail(400, "ValidationException", "X-Amz-X509-Chain holds an invalid certificate")
			}
			intermediates.AddCert(c)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, CurrentTime: s.now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return 0, nil, fail(403, "AccessDeniedException", "Untrusted signing certificate: %v", err)
	}
	duration := pr.DurationSeconds
	if in.DurationSeconds != 0 {
		duration = int(in.DurationSeconds)
	}
	if duration < 900 || duration > 43200 {
		return 0, nil, fail(400, "ValidationException", "durationSeconds must be between 900 and 43200")
	}
	creds, err := s.credentials(in.RoleArn, leaf.Subject.CommonName, duration)
	if err != nil {
		return 0, nil, fail(500, "InternalServerException", "issuing credentials: %v", err)
	}
	return 201, map[string]any{
		"credentialSet": []any{map[string]any{
			"assumedRoleUser":  map[string]string{"arn": strings.Replace(in.RoleArn, ":iam::", ":sts::", 1) + "/" + leaf.SerialNumber.String(), "assumedRoleId": "AROA" + strings.ToUpper(newID()[:16]) + ":" + leaf.SerialNumber.String()},
			"credentials":      creds,
			"packedPolicySize": 0,
			"roleArn":          in.RoleArn,
			"sourceIdentity":   "CN=" + leaf.Subject.CommonName,
		}},
		"subjectArn": fmt.Sprintf("arn:aws:rolesanywhere:%s:%s:subject/%s", anchor.region, account, newID()),
	}, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (s *server) findAnchor(arn string) *trustAnchor {
	for _, a := range s.anchors {
		if a.TrustAnchorArn == arn {
			return a
		}
	}
	return nil
}

func (s *server) findProfile(arn string) *profile {
	for _, p := range s.profiles {
		if p.ProfileArn == arn {
			return p
		}
	}
	return nil
}

// credentials asks moto's STS for a session of the role, so moto accepts the keys; without
// moto it makes up keys of the same shape.
func (s *server) credentials(roleArn, sessionName string, duration int) (map[string]string, error) {
	expiration := s.now().Add(time.Duration(duration) * time.Second).UTC().Format("2006-01-02T15:04:05Z")
	if s.moto == "" {
		n, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
		return map[string]string{"accessKeyId": "ASIA" + strings.ToUpper(strconv.FormatInt(n.Int64(), 36)), "secretAccessKey": newID(), "sessionToken": base64.StdEncoding.EncodeToString([]byte(newID())), "expiration": expiration}, nil
	}
	if sessionName == "" {
		sessionName = "rolesanywhere"
	}
	form := url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {roleArn}, "RoleSessionName": {sanitize(sessionName)}, "DurationSeconds": {strconv.Itoa(duration)}}
	req, err := http.NewRequest(http.MethodPost, s.moto+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEMULATOR/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out struct {
		Credentials struct {
			AccessKeyID     string `xml:"AccessKeyId"`
			SecretAccessKey string `xml:"SecretAccessKey"`
			SessionToken    string `xml:"SessionToken"`
			Expiration      string `xml:"Expiration"`
		} `xml:"AssumeRoleResult>Credentials"`
	}
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("moto STS AssumeRole: %d %s", res.StatusCode, strings.TrimSpace(string(data)))
	}
	if err := xml.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return map[string]string{"accessKeyId": out.Credentials.AccessKeyID, "secretAccessKey": out.Credentials.SecretAccessKey, "sessionToken": out.Credentials.SessionToken, "expiration": out.Credentials.Expiration}, nil
}

func sanitize(name string) string {
	return unsafeSession.ReplaceAllString(name, "-")
}
