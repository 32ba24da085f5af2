package judge_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"

	"go.uber.org/zap/zapcore"

	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

const secret = "sk-live-0123456789abcdefghijklmnop"

// lookupSecret provides the key as if from the environment.
func lookupSecret(name string) (string, bool) {
	if name == "JUDGE_API_KEY" {
		return secret, true
	}
	return "", false
}

// TestSecretNeverLeaks runs judges that echo the Authorization header back
// in every shape of failure, with Debug logging, and checks that the key is
// sent yet appears in no log entry and no verdict error.
func TestSecretNeverLeaks(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   func(auth string) string
	}{
		{"401_echo", 401, func(a string) string { return `{"error":{"message":"invalid key ` + a + `"}}` }},
		{"500_echo", 500, func(a string) string { return a }},
		{"200_not_chat", 200, func(a string) string { return "<html>" + a + "</html>" }},
		{"200_unusable_reply", 200, func(a string) string {
			return `{"choices":[{"message":{"content":"my key is ` + a + `"}}]}`
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var sent []string
				echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					io.Copy(io.Discard, r.Body)
					sent = append(sent, r.Header.Get("Authorization"))
					w.WriteHeader(tt.status)
					io.WriteString(w, tt.body(r.Header.Get("Authorization")))
				})
				// Served in process, so that retries take fake time.
				hc := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
					rec := httptest.NewRecorder()
					echo.ServeHTTP(rec, r)
					return rec.Result(), nil
				})}
				log, logs := observed()
				cfg := config("http://echo.invalid/v1", func(c *judge.Config) { c.Judges[0].APIKeyEnv = "JUDGE_API_KEY" })
				c := newClient(t, cfg, judge.Settings{Logger: log, LookupEnv: lookupSecret, HTTPClient: hc})
				v := askOne(t, c, question("p"))
				if v.Err == nil {
					t.Fatal("no failure")
				}
				if len(sent) == 0 || sent[0] != "Bearer "+secret {
					t.Fatalf("Authorization sent = %q; the test proves nothing", sent)
				}
				if strings.Contains(v.Err.Error(), secret) || strings.Contains(v.Reply, secret) {
					t.Errorf("verdict leaks the key: %v, reply %q", v.Err, v.Reply)
				}
				enc := zapcore.NewJSONEncoder(zapcore.EncoderConfig{MessageKey: "msg"})
				if logs.Len() == 0 {
					t.Fatal("nothing logged; the test proves nothing")
				}
				for _, e := range logs.All() {
					buf, err := enc.EncodeEntry(e.Entry, e.Context)
					if err != nil {
						t.Fatal(err)
					}
					if line := buf.String(); strings.Contains(line, secret) {
						t.Errorf("log leaks the key: %s", line)
					}
				}
				if tt.status == 401 && logs.FilterMessage("judge refused the credentials; check its api_key_env and headers").Len() != 1 {
					t.Error("401 not logged as a configuration error")
				}
			})
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestStartupLog: New logs each judge once, says when no key is sent, warns
// about a model outside the sampling table, and never logs a key.
func TestStartupLog(t *testing.T) {
	j := judgetest.New(t)
	log, logs := observed()
	cfg := config(j.URL)
	cfg.Judges = []judge.Endpoint{
		{Name: "keyed", BaseURL: j.URL, Model: "openai/gpt-5-mini", APIKeyEnv: "JUDGE_API_KEY"},
		{Name: "unset", BaseURL: j.URL, Model: "openai/gpt-5-mini", APIKeyEnv: "NOT_SET"},
		{Name: "keyless", BaseURL: j.URL, Model: "local-llama"},
	}
	c := newClient(t, cfg, judge.Settings{Logger: log, LookupEnv: lookupSecret})
	want := map[string]string{
		"keyed":   "judge configured",
		"unset":   "judge API key variable unset or empty; no Authorization header is sent",
		"keyless": "judge has no api_key_env; no Authorization header is sent",
	}
	for name, msg := range want {
		if n := logs.FilterMessage(msg).FilterField(zapString("judge", name)).Len(); n != 1 {
			t.Errorf("%s: %d %q lines, want 1", name, n, msg)
		}
	}
	warn := logs.FilterMessage("judge model not in the sampling table; the endpoint's defaults apply except for overrides")
	if warn.Len() != 1 || warn.All()[0].ContextMap()["judge"] != "keyless" || warn.All()[0].Level != zapcore.WarnLevel {
		t.Errorf("unknown-model warnings = %v", warn.All())
	}
	for _, e := range logs.All() {
		for _, f := range e.Context {
			if strings.Contains(f.String, secret) || strings.Contains(e.Message, secret) {
				t.Errorf("start-up log leaks the key: %v", e)
			}
		}
	}

	// Only the keyed judge sends Authorization.
	vs, err := c.Ask(t.Context(), judge.Question{Prompt: "p", Parser: "x"})
	if err != nil || len(vs) != 3 {
		t.Fatal(vs, err)
	}
	var auth []string
	for _, r := range j.Requests() {
		auth = append(auth, r.Header.Get("Authorization"))
	}
	if strings.Count(strings.Join(auth, ","), "Bearer "+secret) != 1 || strings.Count(strings.Join(auth, ","), "Bearer") != 1 {
		t.Errorf("Authorization headers sent = %q, want exactly one with the key", auth)
	}
}

func zapString(k, v string) zapcore.Field {
	return zapcore.Field{Key: k, Type: zapcore.StringType, String: v}
}
