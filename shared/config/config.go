// Package config is PropertyPro's typed configuration, read once from the environment.
//
// Every key is a field of Config with its environment name, default, allowed range and a
// sentence of documentation in struct tags, so the loader, the README's reference table and
// `propertypro config` can never disagree. Load validates everything at start-up and names
// the variable in every message.
package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting of the platform. The keys of the platform handbook's Appendix A
// come first, then the ones PropertyPro added.
type Config struct {
	DatabaseURL       string `env:"DATABASE_URL" doc:"Postgres connection URL. Unset locally: a private Postgres is started under LOCAL_DIR." secret:"true"`
	RedisURL          string `env:"REDIS_URL" doc:"Accepted for compatibility with the handbook; unused (rate limits live in Postgres, queues in SQS)." secret:"true"`
	ChromaHost        string `env:"CHROMA_HOST" doc:"Chroma server host. Unset: the embedded vector store under LOCAL_DIR is used."`
	ChromaPort        int    `env:"CHROMA_PORT" default:"8000" range:"1,65535" doc:"Chroma server port."`
	GoogleAPIKey      string `env:"GOOGLE_API_KEY" doc:"Gemini API key. Unset: Gemini is skipped." secret:"true"`
	OpenAIAPIKey      string `env:"OPENAI_API_KEY" doc:"OpenAI API key (fallback provider). Unset: OpenAI is skipped." secret:"true"`
	AIModel           string `env:"AI_MODEL" default:"gemini-2.5-flash" doc:"Gemini model used for answers."`
	SecretKey         string `env:"SECRET_KEY" doc:"Key for signing unsubscribe links and webhook checks. Required outside local." secret:"true"`
	JWTSecret         string `env:"JWT_SECRET" doc:"HMAC key for access and refresh tokens. Required outside local (at least 32 bytes)." secret:"true"`
	AccessTokenTTLMin int    `env:"ACCESS_TOKEN_EXPIRE_MINUTES" default:"30" range:"1,1440" doc:"Access token lifetime in minutes."`
	RefreshTokenDays  int    `env:"JWT_REFRESH_TOKEN_EXPIRE_DAYS" default:"7" range:"1,90" doc:"Refresh token lifetime in days."`
	BcryptRounds      int    `env:"BCRYPT_ROUNDS" default:"12" range:"4,16" doc:"bcrypt cost for password hashes."`
	RateLimitPerMin   int    `env:"RATE_LIMIT_REQUESTS_PER_MINUTE" default:"120" range:"1,100000" doc:"Requests per minute allowed to one user, across all instances."`
	RateLimitLogins   int    `env:"RATE_LIMIT_LOGIN_ATTEMPTS" default:"5" range:"1,100" doc:"Failed logins before an account or IP is locked for a while."`
	LogLevel          string `env:"LOG_LEVEL" default:"info" oneof:"debug,info,warn,error" doc:"Minimum log level."`
	Host              string `env:"HOST" default:"127.0.0.1" doc:"Address the local platform listens on."`
	Port              int    `env:"PORT" default:"8080" range:"1,65535" doc:"Port the local platform listens on."`
	EnableBlueprint2  bool   `env:"ENABLE_BLUEPRINT_2" default:"false" doc:"Feature flag for the second-generation assistant blueprint."`
	NurturingEnabled  bool   `env:"NURTURING_SCHEDULER_ENABLED" default:"true" doc:"Runs the lead-nurturing schedules."`
	DocGenEnabled     bool   `env:"DOCUMENT_GENERATION_ENABLED" default:"true" doc:"Allows AI-drafted messages and documents."`
	MaxFileSize       int64  `env:"MAX_FILE_SIZE" default:"52428800" range:"1024,5368709120" doc:"Largest accepted document, and data drop uploaded through POST /v1/ingestions/uploads, in bytes. Files written straight into the data-drops bucket (bulk exports, streamed) are not limited."`

	CommissionSaleRate    float64 `env:"COMMISSION_SALE_RATE" default:"0.02" range:"0,1" doc:"Agency commission on a sale, as a fraction of the price; a rate given on the deal overrides it."`
	CommissionRentRate    float64 `env:"COMMISSION_RENT_RATE" default:"0.05" range:"0,1" doc:"Agency commission on a lease, as a fraction of the annual rent."`
	CommissionOffPlanRate float64 `env:"COMMISSION_OFFPLAN_RATE" default:"0.02" range:"0,1" doc:"Commission on an off-plan sale (often paid by the developer), as a fraction of the price."`
	VATRate               float64 `env:"VAT_RATE" default:"0.05" range:"0,1" doc:"UAE VAT charged on commission, as a fraction."`
	DLDTransferFeeRate    float64 `env:"DLD_TRANSFER_FEE_RATE" default:"0.04" range:"0,1" doc:"Dubai Land Department fee on sales and off-plan registrations, as a fraction of the price."`
	AMLCashThresholdAED   int64   `env:"AML_CASH_THRESHOLD_AED" default:"55000" range:"1,1000000000" doc:"Cash paid on one deal reaching this many AED flags it for AML review (goAML report); so does any virtual-asset payment."`

	AITokenBudget int `env:"AI_TOKEN_BUDGET" default:"2000000" range:"1000,1000000000" doc:"Tokens each brokerage may spend on paid AI providers per day; past it the offline provider answers."`
	ChunkSize     int `env:"CHUNK_SIZE" default:"800" range:"200,8000" doc:"Characters per document chunk for retrieval."`
	ChunkOverlap  int `env:"CHUNK_OVERLAP" default:"150" range:"0,2000" doc:"Characters each chunk repeats from the previous one."`

	NurtureQuietHours   string        `env:"NURTURE_QUIET_HOURS" default:"21:00-09:00" doc:"Quiet hours in Asia/Dubai (HH:MM-HH:MM) when no nurture message goes out; messages due then wait."`
	NurtureWeekend      string        `env:"NURTURE_WEEKEND" default:"sat,sun" doc:"Weekend days in Asia/Dubai (sun..sat, comma-separated) when no nurture message goes out."`
	NurtureMaxPerDay    int           `env:"NURTURE_MAX_MESSAGES_PER_DAY" default:"2" range:"0,50" doc:"Most nurture messages one lead receives in any 24 hours (0: no cap)."`
	NurtureSendAttempts int           `env:"NURTURE_SEND_MAX_ATTEMPTS" default:"5" range:"1,50" doc:"Delivery attempts before a nurture message is marked failed."`
	NurtureDelivery     string        `env:"NURTURE_DELIVERY" default:"log" oneof:"log,live" doc:"log: messages are only recorded to the outbox and the log; live: SES, WhatsApp Cloud API and the SMS gateway."`
	PublicBaseURL       string        `env:"PUBLIC_BASE_URL" default:"http://127.0.0.1:8080" doc:"Public base URL of the API, for unsubscribe links."`
	EmailFrom           string        `env:"EMAIL_FROM" default:"no-reply@propertypro.example" doc:"Sender address of nurture emails (a verified SES identity)."`
	WhatsAppAPIURL      string        `env:"WHATSAPP_API_URL" default:"https://graph.facebook.com/v21.0" doc:"WhatsApp Cloud API base URL."`
	WhatsAppToken       string        `env:"WHATSAPP_TOKEN" doc:"WhatsApp Cloud API access token." secret:"true"`
	WhatsAppPhoneID     string        `env:"WHATSAPP_PHONE_NUMBER_ID" doc:"WhatsApp Cloud API phone number id messages are sent from."`
	SMSAPIURL           string        `env:"SMS_API_URL" doc:"SMS gateway endpoint (HTTP POST, JSON)."`
	SMSAPIKey           string        `env:"SMS_API_KEY" doc:"SMS gateway API key (Bearer)." secret:"true"`
	SMSSender           string        `env:"SMS_SENDER" default:"PropertyPro" doc:"SMS sender id registered with the TDRA."`
	RetentionPolicy     string        `env:"RETENTION_POLICY" doc:"Days to keep a table's rows instead of its default retention (table=days, comma-separated; defaults and reasons in docs/data/classification.md). Naming a table without a policy is an error."`
	StuckJobAfter       time.Duration `env:"STUCK_JOB_AFTER" default:"15m" range:"1m,24h" doc:"How long an outbox message may stay queued or sending before the sweeper re-queues or dead-letters it."`

	Env               string        `env:"APP_ENV" default:"local" oneof:"local,dev,staging,prod,test" doc:"Deployment environment."`
	LocalDir          string        `env:"LOCAL_DIR" default:".local" doc:"Folder of the local platform's private Postgres, vector store and drops."`
	DBMaxConns        int           `env:"DB_MAX_CONNS" default:"2" range:"1,100" doc:"Connections in the pool (Lambda: 1-2 behind RDS Proxy)."`
	DBStatementTimout time.Duration `env:"DB_STATEMENT_TIMEOUT" default:"5s" range:"100ms,10m" doc:"Longest a statement may run before Postgres cancels it."`
	DatabaseHost      string        `env:"DATABASE_HOST" doc:"RDS Proxy endpoint; with DATABASE_SECRET_ARN builds DATABASE_URL in AWS."`
	DatabaseName      string        `env:"DATABASE_NAME" default:"propertypro" doc:"Database name used with DATABASE_HOST."`
	DatabaseSecretARN string        `env:"DATABASE_SECRET_ARN" doc:"Secrets Manager secret holding the database user and password."`
	AWSRegion         string        `env:"AWS_REGION" default:"me-central-1" doc:"AWS region."`
	AWSEndpointURL    string        `env:"AWS_ENDPOINT_URL" doc:"AWS emulator endpoint (moto, LocalStack): functions use its S3 and SQS; propertypro run uses its SQS instead of the Postgres queue (objects stay under LOCAL_DIR)."`
	OpenAIModel       string        `env:"OPENAI_MODEL" default:"gpt-4o-mini" doc:"OpenAI model used when Gemini fails."`
	GeminiBaseURL     string        `env:"GEMINI_BASE_URL" doc:"Gemini API base URL, for an AI gateway or proxy; unset: Google's endpoint."`
	OpenAIBaseURL     string        `env:"OPENAI_BASE_URL" doc:"OpenAI API base URL with its version path (e.g. https://gateway.example/v1/), for an AI gateway or proxy; unset: OpenAI's endpoint."`
	ChromaToken       string        `env:"CHROMA_TOKEN" doc:"Token sent to Chroma when its server requires one." secret:"true"`
	OTelExporter      string        `env:"OTEL_TRACES_EXPORTER" default:"none" oneof:"none,stdout,otlp" doc:"Where spans go: nowhere, printed to stderr, or OTLP/HTTP."`
	OTelEndpoint      string        `env:"OTEL_EXPORTER_OTLP_ENDPOINT" doc:"OTLP/HTTP endpoint when OTEL_TRACES_EXPORTER=otlp."`
	AppSecretARN      string        `env:"APP_SECRET_ARN" doc:"Secrets Manager secret with JWT_SECRET and SECRET_KEY (AWS); read at cold start."`
	AISecretARN       string        `env:"AI_SECRET_ARN" doc:"Secrets Manager secret with GOOGLE_API_KEY and OPENAI_API_KEY (AWS); read at cold start."`
	ScheduleTick      time.Duration `env:"LOCAL_SCHEDULE_TICK" default:"1m" range:"1s,24h" doc:"Local runner: how often schedules are checked."`
	LocalConsumers    int           `env:"LOCAL_QUEUE_CONSUMERS" default:"4" range:"1,64" doc:"Local runner: batches of one queue handled at once, as Lambda runs several batches of a queue concurrently."`
	FirstContactSLA   time.Duration `env:"LEAD_FIRST_CONTACT_SLA" default:"15m" range:"1m,72h" doc:"How soon after a lead is assigned its first-contact task falls due (speed-to-lead)."`
}

// Key documents one configuration key.
type Key struct {
	Name    string
	Default string
	Range   string
	Doc     string
	Secret  bool
}

// Keys lists every key in declaration order, for documentation and checks.
func Keys() []Key {
	t := reflect.TypeOf(Config{})
	keys := make([]Key, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		r := f.Tag.Get("range")
		if o := f.Tag.Get("oneof"); o != "" {
			r = "one of " + o
		}
		keys = append(keys, Key{Name: f.Tag.Get("env"), Default: f.Tag.Get("default"), Range: r,
			Doc: f.Tag.Get("doc"), Secret: f.Tag.Get("secret") == "true"})
	}
	return keys
}

// Load reads the configuration from the process environment.
func Load() (Config, error) { return FromLookup(os.LookupEnv) }

// FromLookup reads the configuration through lookup (os.LookupEnv or a map in tests) and
// validates it, reporting every bad variable at once.
func FromLookup(lookup func(string) (string, bool)) (Config, error) {
	var c Config
	v := reflect.ValueOf(&c).Elem()
	var errs []error
	for i := range v.NumField() {
		f := v.Type().Field(i)
		raw, ok := lookup(f.Tag.Get("env"))
		if !ok || raw == "" {
			raw = f.Tag.Get("default")
		}
		if err := setField(v.Field(i), f, strings.TrimSpace(raw)); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Tag.Get("env"), err))
		}
	}
	errs = append(errs, c.validate()...)
	return c, errors.Join(errs...)
}

func setField(v reflect.Value, f reflect.StructField, raw string) error {
	if raw == "" {
		return nil
	}
	switch v.Interface().(type) {
	case string:
		if o := f.Tag.Get("oneof"); o != "" && !slices.Contains(strings.Split(o, ","), strings.ToLower(raw)) {
			return fmt.Errorf("%q is not one of %s", raw, o)
		}
		if f.Tag.Get("oneof") != "" {
			raw = strings.ToLower(raw)
		}
		v.SetString(raw)
	case bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("%q is not a boolean (use true or false)", raw)
		}
		v.SetBool(b)
	case int, int64:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", raw)
		}
		if err := inRange(f, float64(n), strconv.ParseFloat); err != nil {
			return err
		}
		v.SetInt(n)
	case float64:
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return fmt.Errorf("%q is not a number", raw)
		}
		if err := inRange(f, n, strconv.ParseFloat); err != nil {
			return err
		}
		v.SetFloat(n)
	case time.Duration:
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("%q is not a duration (e.g. 5s, 2m)", raw)
		}
		if err := inRange(f, float64(d), parseDurationFloat); err != nil {
			return err
		}
		v.SetInt(int64(d))
	}
	return nil
}

func parseDurationFloat(s string, _ int) (float64, error) {
	d, err := time.ParseDuration(s)
	return float64(d), err
}

func inRange(f reflect.StructField, n float64, parse func(string, int) (float64, error)) error {
	lo, hi, ok := strings.Cut(f.Tag.Get("range"), ",")
	if !ok {
		return nil
	}
	min, _ := parse(lo, 64)
	max, _ := parse(hi, 64)
	if n < min || n > max {
		return fmt.Errorf("must be between %s and %s", lo, hi)
	}
	return nil
}

// validate applies the rules that span keys or depend on the environment.
func (c Config) validate() []error {
	var errs []error
	if c.Deployed() {
		if len(c.JWTSecret) < 32 && c.AppSecretARN == "" {
			errs = append(errs, errors.New("JWT_SECRET: required outside local and test, at least 32 bytes (or APP_SECRET_ARN)"))
		}
		if c.SecretKey == "" && c.AppSecretARN == "" {
			errs = append(errs, errors.New("SECRET_KEY: required outside local and test (or APP_SECRET_ARN)"))
		}
		if c.DatabaseURL == "" && (c.DatabaseHost == "" || c.DatabaseSecretARN == "") {
			errs = append(errs, errors.New("DATABASE_URL: required outside local (or DATABASE_HOST with DATABASE_SECRET_ARN)"))
		}
	}
	if c.OTelExporter == "otlp" && c.OTelEndpoint == "" {
		errs = append(errs, errors.New("OTEL_EXPORTER_OTLP_ENDPOINT: required when OTEL_TRACES_EXPORTER=otlp"))
	}
	return errs
}

// Deployed reports whether this is a real environment (dev, staging, prod) rather than a
// developer's machine or a test run, where secrets may fall back to generated ones.
func (c Config) Deployed() bool { return c.Env != "local" && c.Env != "test" }

// Flag returns the boolean key named by its environment name (a manifest entry's Flag).
func (c Config) Flag(name string) (bool, error) {
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		if v.Type().Field(i).Tag.Get("env") == name && v.Field(i).Kind() == reflect.Bool {
			return v.Field(i).Bool(), nil
		}
	}
	return false, fmt.Errorf("%s is not a boolean configuration key", name)
}

// AccessTokenTTL is ACCESS_TOKEN_EXPIRE_MINUTES as a duration.
func (c Config) AccessTokenTTL() time.Duration {
	return time.Duration(c.AccessTokenTTLMin) * time.Minute
}

// RefreshTokenTTL is JWT_REFRESH_TOKEN_EXPIRE_DAYS as a duration.
func (c Config) RefreshTokenTTL() time.Duration {
	return time.Duration(c.RefreshTokenDays) * 24 * time.Hour
}

// Addr is the local platform's listen address, HOST:PORT.
func (c Config) Addr() string { return fmt.Sprintf("%s:%d", c.Host, c.Port) }

// ChromaURL is the Chroma server's URL from CHROMA_HOST and CHROMA_PORT; a host that already
// has a scheme (https://chroma.example) keeps it, and its own port if it names one. It lives
// here rather than in the Chroma client so the readiness check of every function can build it
// without linking that client.
func (c Config) ChromaURL() string {
	if strings.Contains(c.ChromaHost, "://") {
		u, err := url.Parse(c.ChromaHost)
		if err != nil {
			return strings.TrimRight(c.ChromaHost, "/")
		}
		if u.Port() == "" && c.ChromaPort > 0 {
			u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(c.ChromaPort))
		}
		return strings.TrimRight(u.String(), "/")
	}
	return "http://" + net.JoinHostPort(c.ChromaHost, strconv.Itoa(c.ChromaPort))
}
