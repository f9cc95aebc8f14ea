// Command sts emulates the AWS STS web-identity exchange for tests, on 127.0.0.1 only, in front
// of moto: AssumeRoleWithWebIdentity is verified the way STS verifies it, and every other action
// goes to moto unchanged. moto verifies nothing about a web identity token; this does:
//
//   - the token is a JWT (RS256 or ES256) whose issuer has an IAM OIDC identity provider in the
//     account (read from moto's IAM) and whose audience is one of that provider's client IDs;
//   - its signature verifies with a key from the issuer's JWKS, found through the issuer's OIDC
//     discovery document (fetched over HTTPS from the issuer, trusting --issuer-ca; loopback
//     issuers only);
//   - it has not expired and is not used before its nbf;
//   - the role exists and its trust policy allows sts:AssumeRoleWithWebIdentity for the
//     provider, with its StringEquals and StringLike conditions on ISSUER:aud and ISSUER:sub.
//
// Only then does it ask moto for the session (moto's own AssumeRoleWithWebIdentity), so moto
// accepts the keys. Refusals are STS's: InvalidIdentityToken, ExpiredTokenException (400),
// AccessDenied (403), ValidationError (400), in STS's XML.
//
// Test hooks under /_emulator: GET calls (each exchange: role, subject, audience, the access key
// issued, or the error code), POST reset.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
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
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const account = "123456789012"

var (
	roleArnPattern     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

// call is one exchange, as GET /_emulator/calls reports it.
type call struct {
	RoleArn     string `json:"roleArn"`
	SessionName string `json:"roleSessionName"`
	Subject     string `json:"subject,omitempty"`
	Audience    string `json:"audience,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	Error       string `json:"error,omitempty"`
}

type server struct {
	moto   string
	client *http.Client
	now    func() time.Time
	mu     sync.Mutex
	calls  []call
}

// stsError is a refusal in STS's terms.
type stsError struct {
	status int
	code   string
	msg    string
}

func (e *stsError) Error() string { return e.code + ": " + e.msg }

func refuse(status int, code, format string, args ...any) *stsError {
	return &stsError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

func main() {
	port := flag.Int("port", 0, "port on 127.0.0.1")
	moto := flag.String("moto", "", "moto server URL (IAM and STS)")
	issuerCA := flag.String("issuer-ca", "", "PEM file of the roots trusted for issuers' discovery documents")
	flag.Parse()
	if *moto == "" {
		fmt.Fprintln(os.Stderr, "sts: --moto is required")
		os.Exit(2)
	}
	roots := x509.NewCertPool()
	if *issuerCA != "" {
		pem, err := os.ReadFile(*issuerCA)
		if err != nil || !roots.AppendCertsFromPEM(pem) {
			fmt.Fprintln(os.Stderr, "sts: cannot read a certificate from --issuer-ca", *issuerCA, err)
			os.Exit(2)
		}
	}
	s := &server{
		moto: strings.TrimRight(*moto, "/"),
		client: &http.Client{
			Timeout:   10 * time.Second,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, Proxy: nil},
		},
		now: time.Now,
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "sts:", err)
		os.Exit(1)
	}
	fmt.Printf("sts emulator on http://%s\n", l.Addr())
	if err := http.Serve(l, s); err != nil {
		fmt.Fprintln(os.Stderr, "sts:", err)
		os.Exit(1)
	}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_emulator/calls" && r.Method == http.MethodGet:
		s.mu.Lock()
		data, _ := json.Marshal(append([]call{}, s.calls...))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(data)
		return
	case r.URL.Path == "/_emulator/reset" && r.Method == http.MethodPost:
		s.mu.Lock()
		s.calls = nil
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	form, _ := url.ParseQuery(string(body))
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	if form.Get("Action") != "AssumeRoleWithWebIdentity" {
		s.forward(w, r, body)
		return
	}
	c := call{RoleArn: form.Get("RoleArn"), SessionName: form.Get("RoleSessionName")}
	answer, err := s.assumeRoleWithWebIdentity(form, &c)
	var refusal *stsError
	switch {
	case errors.As(err, &refusal):
		c.Error = refusal.code
		writeError(w, refusal)
	case err != nil:
		c.Error = "InternalFailure"
		writeError(w, refuse(http.StatusInternalServerError, "InternalFailure", "%v", err))
	default:
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(answer)
	}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
}

// forward sends any other STS (or IAM) request to moto as it came.
func (s *server) forward(w http.ResponseWriter, r *http.Request, body []byte) {
	req, err := http.NewRequest(r.Method, s.moto+r.URL.RequestURI(), strings.NewReader(string(body)))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	_, _ = io.Copy(w, res.Body)
}

func writeError(w http.ResponseWriter, e *stsError) {
	kind := "Sender"
	if e.status >= 500 {
		kind = "Receiver"
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	var msg strings.Builder
	_ = xml.EscapeText(&msg, []byte(e.msg))
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%d</RequestId></ErrorResponse>`,
		kind, e.code, msg.String(), time.Now().UnixNano())
}

// claims are the JWT claims STS reads.
type claims struct {
	Issuer    string          `json:"iss"`
	Subject   string          `json:"sub"`
	Audience  json.RawMessage `json:"aud"`
	ExpiresAt *float64        `json:"exp"`
	NotBefore *float64        `json:"nbf"`
}

func (c claims) audiences() []string {
	var one string
	if json.Unmarshal(c.Audience, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(c.Audience, &many)
	return many
}

func (s *server) assumeRoleWithWebIdentity(form url.Values, c *call) ([]byte, error) {
	roleArn, session, token := form.Get("RoleArn"), form.Get("RoleSessionName"), form.Get("WebIdentityToken")
	if len(roleArn) < 20 || len(roleArn) > 2048 || !roleArnPattern.MatchString(roleArn) {
		return nil, refuse(400, "ValidationError", "1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: Member must be a role ARN", roleArn)
	}
	if !sessionNamePattern.MatchString(session) {
		return nil, refuse(400, "ValidationError", "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", session)
	}
	if len(token) < 4 || len(token) > 20000 {
		return nil, refuse(400, "ValidationError", "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length between 4 and 20000")
	}
	duration := 3600
	if d := form.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 || n > 43200 {
			return nil, refuse(400, "ValidationError", "1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200", d)
		}
		duration = n
	}

	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, refuse(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	var cl claims
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, refuse(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	}
	if err := decodeSegment(parts[1], &cl); err != nil || cl.Issuer == "" {
		return nil, refuse(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	}
	c.Subject = cl.Subject

	issuerHost := strings.TrimPrefix(cl.Issuer, "https://")
	providerArn := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", account, issuerHost)
	clientIDs, err := s.oidcProviderClientIDs(providerArn)
	if err != nil {
		return nil, err
	}
	if clientIDs == nil {
		return nil, refuse(400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for %s", cl.Issuer)
	}
	audience := ""
	for _, a := range cl.audiences() {
		if contains(clientIDs, a) {
			audience = a
			break
		}
	}
	if audience == "" {
		return nil, refuse(400, "InvalidIdentityToken", "Incorrect token audience")
	}
	c.Audience = audience

	key, err := s.verificationKey(cl.Issuer, header.Kid)
	if err != nil {
		return nil, refuse(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements (%v)", err)
	}
	if err := verifySignature(header.Alg, key, parts[0]+"."+parts[1], parts[2]); err != nil {
		return nil, refuse(400, "InvalidIdentityToken", "The token signature could not be verified: %v", err)
	}
	now := s.now()
	if cl.ExpiresAt == nil {
		return nil, refuse(400, "InvalidIdentityToken", "The token has no expiration (exp)")
	}
	if exp := time.Unix(int64(*cl.ExpiresAt), 0); !now.Before(exp) {
		return nil, refuse(400, "ExpiredTokenException", "Token expired: current date/time %d must be before the expiration date/time %d", now.Unix(), exp.Unix())
	}
	if cl.NotBefore != nil && now.Add(5*time.Minute).Before(time.Unix(int64(*cl.NotBefore), 0)) {
		return nil, refuse(400, "InvalidIdentityToken", "The token is not yet valid (nbf)")
	}

	policy, err := s.trustPolicy(roleArn)
	if err != nil {
		return nil, err
	}
	if policy == "" || !allows(policy, providerArn, map[string]string{issuerHost + ":sub": cl.Subject, issuerHost + ":aud": audience}) {
		return nil, refuse(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	answer, accessKeyID, err := s.motoSession(roleArn, session, token, duration)
	if err != nil {
		return nil, err
	}
	c.AccessKeyID = accessKeyID
	return answer, nil
}

func decodeSegment(segment string, into any) error {
	data, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}

// iam calls moto's IAM (Query protocol) and returns the answer's body, or nil for NoSuchEntity.
func (s *server) iam(form url.Values) ([]byte, error) {
	form.Set("Version", "2010-05-08")
	req, err := http.NewRequest(http.MethodPost, s.moto+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEMULATOR/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusNotFound || strings.Contains(string(data), "<Code>NoSuchEntity</Code>") {
		return nil, nil
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("moto IAM %s: %d %s", form.Get("Action"), res.StatusCode, strings.TrimSpace(string(data)))
	}
	return data, nil
}

// oidcProviderClientIDs is the provider's client ID list, or nil when there is no such provider.
func (s *server) oidcProviderClientIDs(arn string) ([]string, error) {
	data, err := s.iam(url.Values{"Action": {"GetOpenIDConnectProvider"}, "OpenIDConnectProviderArn": {arn}})
	if err != nil || data == nil {
		return nil, err
	}
	var out struct {
		ClientIDs []string `xml:"GetOpenIDConnectProviderResult>ClientIDList>member"`
	}
	if err := xml.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	if out.ClientIDs == nil {
		out.ClientIDs = []string{}
	}
	return out.ClientIDs, nil
}

// trustPolicy is the role's trust policy document, or "" when there is no such role.
func (s *server) trustPolicy(roleArn string) (string, error) {
	name := path.Base(roleArn[strings.Index(roleArn, ":role/")+len(":role/"):])
	data, err := s.iam(url.Values{"Action": {"GetRole"}, "RoleName": {name}})
	if err != nil || data == nil {
		return "", err
	}
	var out struct {
		Arn    string `xml:"GetRoleResult>Role>Arn"`
		Policy string `xml:"GetRoleResult>Role>AssumeRolePolicyDocument"`
	}
	if err := xml.Unmarshal(data, &out); err != nil {
		return "", err
	}
	if out.Arn != roleArn {
		return "", nil
	}
	if decoded, err := url.QueryUnescape(out.Policy); err == nil && strings.HasPrefix(strings.TrimSpace(decoded), "{") {
		return decoded, nil
	}
	return out.Policy, nil
}

// stringOrList reads a policy value that may be one string or a list of them.
func stringOrList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// allows evaluates a trust policy for a web identity: an Allow statement for
// sts:AssumeRoleWithWebIdentity naming the provider as its Federated principal, whose every
// condition holds. A Deny statement that matches wins. Operators other than StringEquals and
// StringLike make a statement never match (fail closed).
func allows(document, providerArn string, context map[string]string) bool {
	var doc struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal([]byte(document), &doc) != nil {
		return false
	}
	var statements []map[string]any
	if json.Unmarshal(doc.Statement, &statements) != nil {
		var one map[string]any
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		statements = []map[string]any{one}
	}
	allowed := false
	for _, st := range statements {
		if !matches(st, providerArn, context) {
			continue
		}
		switch st["Effect"] {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

func matches(st map[string]any, providerArn string, context map[string]string) bool {
	actionOK := false
	for _, a := range stringOrList(st["Action"]) {
		if a == "sts:AssumeRoleWithWebIdentity" || a == "sts:*" || a == "*" {
			actionOK = true
		}
	}
	principal, _ := st["Principal"].(map[string]any)
	if !actionOK || principal == nil || !contains(stringOrList(principal["Federated"]), providerArn) {
		return false
	}
	conditions, _ := st["Condition"].(map[string]any)
	for operator, block := range conditions {
		keys, _ := block.(map[string]any)
		for key, want := range keys {
			have, present := context[key]
			if !present {
				return false
			}
			ok := false
			for _, w := range stringOrList(want) {
				switch operator {
				case "StringEquals":
					ok = ok || have == w
				case "StringLike":
					ok = ok || globMatch(w, have)
				default:
					return false
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// globMatch is IAM's StringLike: * any run of characters, ? one character.
func globMatch(pattern, s string) bool {
	var re strings.Builder
	re.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			re.WriteString(".*")
		case '?':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString("$")
	return regexp.MustCompile(re.String()).MatchString(s)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// verificationKey fetches the issuer's discovery document and JWKS and returns the key `kid`
// names (the only key when there is one and no kid).
func (s *server) verificationKey(issuer, kid string) (crypto.PublicKey, error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Scheme != "https" {
		return nil, fmt.Errorf("the issuer %q is not an https URL", issuer)
	}
	if host := u.Hostname(); host != "127.0.0.1" && host != "localhost" && host != "::1" {
		return nil, fmt.Errorf("the emulator fetches loopback issuers only, not %q", host)
	}
	var discovery struct {
		Issuer  string `json:"issuer"`
		JwksURI string `json:"jwks_uri"`
	}
	if err := s.getJSON(strings.TrimRight(issuer, "/")+"/.well-known/openid-configuration", &discovery); err != nil {
		return nil, err
	}
	if discovery.Issuer != issuer {
		return nil, fmt.Errorf("the discovery document names issuer %q", discovery.Issuer)
	}
	jwks, err := url.Parse(discovery.JwksURI)
	if err != nil || jwks.Scheme != "https" || jwks.Hostname() != u.Hostname() {
		return nil, fmt.Errorf("jwks_uri %q is not on the issuer's host", discovery.JwksURI)
	}
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			N   string `json:"n"`
			E   string `json:"e"`
			Crv string `json:"crv"`
			X   string `json:"x"`
			Y   string `json:"y"`
		} `json:"keys"`
	}
	if err := s.getJSON(discovery.JwksURI, &set); err != nil {
		return nil, err
	}
	for _, k := range set.Keys {
		if kid != "" && k.Kid != kid {
			continue
		}
		if kid == "" && len(set.Keys) != 1 {
			break
		}
		switch k.Kty {
		case "RSA":
			n, err1 := base64.RawURLEncoding.DecodeString(k.N)
			e, err2 := base64.RawURLEncoding.DecodeString(k.E)
			if err1 != nil || err2 != nil {
				return nil, errors.New("a malformed RSA key in the JWKS")
			}
			return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
		case "EC":
			if k.Crv != "P-256" {
				return nil, fmt.Errorf("curve %q is not supported", k.Crv)
			}
			x, err1 := base64.RawURLEncoding.DecodeString(k.X)
			y, err2 := base64.RawURLEncoding.DecodeString(k.Y)
			if err1 != nil || err2 != nil {
				return nil, errors.New("a malformed EC key in the JWKS")
			}
			return &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}, nil
		}
	}
	return nil, fmt.Errorf("no key %q in the issuer's JWKS", kid)
}

func (s *server) getJSON(u string, into any) error {
	res, err := s.client.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", u, res.StatusCode)
	}
	return json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(into)
}

func verifySignature(alg string, key crypto.PublicKey, signed, signature string) error {
	sig, err := base64.RawURLEncoding.DecodeString(signature)
	if err != nil {
		return errors.New("the signature is not base64url")
	}
	digest := sha256.Sum256([]byte(signed))
	switch k := key.(type) {
	case *rsa.PublicKey:
		if alg != "RS256" {
			return fmt.Errorf("alg %q does not match an RSA key", alg)
		}
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], sig)
	case *ecdsa.PublicKey:
		if alg != "ES256" || len(sig) != 64 {
			return fmt.Errorf("alg %q or the signature's length does not match a P-256 key", alg)
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(k, digest[:], r, s) {
			return errors.New("the signature does not verify")
		}
		return nil
	}
	return errors.New("an unsupported key type")
}

// motoSession asks moto's STS for the session, so moto accepts the keys, and returns moto's
// answer with the access key it issued.
func (s *server) motoSession(roleArn, session, token string, duration int) ([]byte, string, error) {
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {roleArn},
		"RoleSessionName": {session}, "WebIdentityToken": {token}, "DurationSeconds": {strconv.Itoa(duration)}}
	req, err := http.NewRequest(http.MethodPost, s.moto+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEMULATOR/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("moto STS AssumeRoleWithWebIdentity: %d %s", res.StatusCode, strings.TrimSpace(string(data)))
	}
	var out struct {
		AccessKeyID string `xml:"AssumeRoleWithWebIdentityResult>Credentials>AccessKeyId"`
	}
	if err := xml.Unmarshal(data, &out); err != nil || out.AccessKeyID == "" {
		return nil, "", fmt.Errorf("moto's answer has no credentials: %s", strings.TrimSpace(string(data)))
	}
	return data, out.AccessKeyID, nil
}
