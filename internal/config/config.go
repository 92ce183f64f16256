// Package config reads and validates fpsolve's TOML configuration (the contract of the README's
// "Config" section). Decoding is strict: unknown keys are errors. Every error is one line that
// names the file, the key and what is wrong.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"fpsolve/ensemble"
	"fpsolve/model"
	"fpsolve/rbmdrift"
	"fpsolve/teacher"
)

// Config is a whole fpsolve configuration. A nil section pointer means the section is absent.
type Config struct {
	Output   Output    `toml:"output"`
	Model    *Model    `toml:"model"`
	Noise    *Noise    `toml:"noise"`
	Grid     *Grid     `toml:"grid"`
	Initial  *Initial  `toml:"initial"`
	Time     *Time     `toml:"time"`
	Spectrum *Spectrum `toml:"spectrum"`
	Langevin *Langevin `toml:"langevin"`
	RBM      *RBM      `toml:"rbm"`
	Sweep    *Sweep    `toml:"sweep"`
	Teacher  *Teacher  `toml:"teacher"`
	Ensemble *Ensemble `toml:"ensemble"`

	// Path is the file the configuration came from ("" for the embedded default); relative
	// paths inside it (model.table) are resolved against its directory.
	Path   string `toml:"-"`
	md     toml.MetaData
	tables []*model.Table
	files  []EnsembleFile
}

// Ensemble is the [ensemble] section: trained ensembles read from spectra tables (.csv) or
// NumPy weight snapshots (.npy, .npz).
type Ensemble struct {
	Files   []string  `toml:"files"`   // paths relative to the config's directory, glob patterns allowed
	Alpha   float64   `toml:"alpha"`   // learning rate of the training (t = alpha * step); 0: from the files
	Batch   int       `toml:"batch"`   // its mini-batch size (0: from the files, or unknown)
	Noise   float64   `toml:"noise"`   // the training's noise, where it has one (0: from the files, or none)
	Targets []float64 `toml:"targets"` // per mode, the learned values that group degenerate modes (optional)

	// NumPy files only.
	Key      string `toml:"key"`       // the weight array of an .npz (default "W")
	Spectrum string `toml:"spectrum"`  // "singular" (default), "gram", "symmetric", or "values" (the array holds spectra)
	Layout   string `toml:"layout"`    // rank-3 arrays: "runs" (runs, rows, cols), the default, or "snapshots" (snapshots, rows, cols), one file per run
	Steps    any    `toml:"steps"`     // the training step of each snapshot: a list, or the name of an array in the file; default 0, 1, 2, ...
	AlphaKey string `toml:"alpha_key"` // scalar entries of an .npz that give the settings (defaults "lr", "batch_size", "noise")
	BatchKey string `toml:"batch_key"`
	NoiseKey string `toml:"noise_key"`
}

// EnsembleFile is one [ensemble] file, read when the config is validated.
type EnsembleFile struct {
	Path  string   // the file (with layout = "snapshots", the first of the ensemble's files)
	Files []string // every file of the ensemble (one per run with layout = "snapshots")
	Alpha float64
	Batch int
	Noise float64
	// Rows and Cols are the weight matrices' shape (0 for spectra: a table or kind "values"),
	// Spectrum the kind of spectrum read from them.
	Rows, Cols int
	Spectrum   ensemble.SpectrumKind
	Recorded   *ensemble.Recorded
	Targets    []float64 // [ensemble] targets, or the rule of ensemble.Recorded.PairTargets
	Derived    bool      // Targets came from the data
}

// EnsembleFiles returns the [ensemble] files in the order of their (expanded) paths.
func (c *Config) EnsembleFiles() []EnsembleFile { return c.files }

// Output is the [output] section.
type Output struct {
	Dir   string `toml:"dir"`
	Plots *bool  `toml:"plots"`
}

// Model is the [model] section.
type Model struct {
	Drift string    `toml:"drift"`
	Mu2   float64   `toml:"mu2"`
	Kappa []float64 `toml:"kappa"`
	Omega []float64 `toml:"omega"`
	Table string    `toml:"table"`
	// TableDrift selects the table's drift column: "measured" (the mean single-step increment,
	// Coulomb repulsion included) or "expected" (the exact-gradient drift, without it).
	TableDrift string `toml:"table_drift"`
	Coulomb    *bool  `toml:"coulomb"`
}

// Noise is the [noise] section: either G2, or Alpha, Batch and Gtilde2.
type Noise struct {
	// Model "pcd" derives the noise from the PCD trainer's settings (rbmdrift.PCDNoise: alpha,
	// batch, [rbm] sigma_h and gibbs_steps, [model] mu2) with no measured input; "" takes it
	// from g2 or gtilde2.
	Model string    `toml:"model"`
	G2    FloatList `toml:"g2"`
	// pcd holds the trainer's settings for Model "pcd", resolved by the validation (so that a
	// copy of the section without [rbm], as a sweep setting makes, keeps them).
	pcd     *rbmdrift.PCDNoise
	Alpha   float64   `toml:"alpha"`
	Batch   int       `toml:"batch"`
	Gtilde2 FloatList `toml:"gtilde2"`
	// Slope makes the noise vary about each mode's stable point x*:
	// g_i^2(x) = g_i^2 exp(slope_i (x - x*_i)) (one number or one per mode; rbm and harmonic
	// drifts).
	Slope FloatList `toml:"slope"`
	// NextOrder, with Model "pcd" and the Coulomb term, adds the drift of order alpha/|B| that
	// the eigenvalue gas of the derived noise leaves out (rbmdrift.PCDNoise.NextOrder: the
	// noise's second-order drift and the eigenvectors' tilt); nil means true there. The
	// Langevin results' key records whether it applied (PCDNextOrder), so the field stays out of
	// the JSON form when unset.
	NextOrder *bool `toml:"next_order" json:",omitempty"`
}

// Grid is the [grid] section.
type Grid struct {
	Points int      `toml:"points"`
	Lo     *float64 `toml:"lo"`
	Hi     *float64 `toml:"hi"`
	// WallCell > 0 grades the [time] grid from its lower end: the first cell has this width and
	// each next one is WallRatio times wider (default 1.1) until the cells reach the equal
	// width of the rest. For modes that live decades close to the wall (the lowest eigenvalue
	// of W^T W early in training); one mode per cluster only (coulomb = false).
	WallCell  float64 `toml:"wall_cell"`
	WallRatio float64 `toml:"wall_ratio"`
}

// Initial is the [initial] section.
type Initial struct {
	Kind      string    `toml:"kind"`
	Mean      []float64 `toml:"mean"`
	Var       []float64 `toml:"var"`
	Ratio     float64   `toml:"ratio"`
	WeightVar float64   `toml:"weight_var"`
	Rows      int       `toml:"rows"`
}

// Time is the [time] section.
type Time struct {
	TEnd      float64 `toml:"t_end"`
	Dt        float64 `toml:"dt"`
	Snapshots int     `toml:"snapshots"`
	Method    string  `toml:"method"`    // "trbdf2" (default) | "backward-euler"
	Adaptive  bool    `toml:"adaptive"`  // adaptive step size with an error estimate
	Tolerance float64 `toml:"tolerance"` // adaptive: local error tolerance (L1, per unit mass)
}

// Spectrum is the [spectrum] section.
type Spectrum struct {
	States    int     `toml:"states"`
	Points    int     `toml:"points"`    // grid for the eigenproblem; default [grid] points
	Tolerance float64 `toml:"tolerance"` // residual tolerance; default 1e-9 relative
	// Check solves one mode's finite-difference Schroedinger form too, as an independent check
	// of the levels (default true; it runs beside the main solve).
	Check *bool `toml:"check"`
}

// SpectrumCheck reports whether the [spectrum] stage runs its finite-difference cross-check.
func (s *Spectrum) SpectrumCheck() bool { return s.Check == nil || *s.Check }

// Langevin is the [langevin] section.
type Langevin struct {
	Walkers int     `toml:"walkers"`
	Alpha   float64 `toml:"alpha"`
	Batch   int     `toml:"batch"`
	Steps   int     `toml:"steps"`
	Level   string  `toml:"level"` // "eigenvalue" (default) | "matrix" | "weights"
	Seed    uint64  `toml:"seed"`
	// WeightVar is s_W^2, the Gaussian noise variance per unit t on each weight of the
	// idealised RBM (level = "weights" only).
	WeightVar float64 `toml:"weight_var"`
}

// RBM is the [rbm] section: the trainer's configuration, whose type declares the keys (toml
// tags), their defaults (rbmdrift.DefaultConfig) and their rules (ValidateStrict). This package
// adds the file and section to its errors and the checks that involve other sections.
type RBM struct {
	rbmdrift.Config
}

// MarshalJSON writes the whole section, the trainer's configuration and the number of runs,
// for the fingerprints that hash a config (a run's own key, rbmdrift.Config's JSON form, leaves
// the run count out).
func (r RBM) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Config rbmdrift.Config
		Runs   int
	}{r.Config, r.Runs})
}

// Teacher is the [teacher] section: the teacher-student trainer's configuration, whose type
// declares the keys (toml tags), their defaults (teacher.DefaultConfig) and their rules
// (teacher.Config.Validate). This package adds the file and section to its errors.
type Teacher struct {
	teacher.Config
}

// MarshalJSON writes the whole section, the trainer's configuration and the number of runs,
// for the fingerprints that hash a config (teacher.Config's JSON form leaves the run count out).
func (t Teacher) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Config teacher.Config
		Runs   int
	}{t.Config, t.Runs})
}

// Sweep is the [sweep] section.
type Sweep struct {
	Alpha []float64 `toml:"alpha"`
	Batch []int     `toml:"batch"`
	Noise []float64 `toml:"noise"` // the teacher's eps; only with [teacher]
}

// FloatList is a TOML value that is either one number or an array of numbers.
type FloatList []float64

// UnmarshalTOML implements toml.Unmarshaler.
func (f *FloatList) UnmarshalTOML(v any) error {
	num := func(x any) (float64, error) {
		switch n := x.(type) {
		case float64:
			return n, nil
		case int64:
			return float64(n), nil
		}
		return 0, fmt.Errorf("%s is not a number: give a number or a list of numbers", kindOf(x))
	}
	switch t := v.(type) {
	case []any:
		out := make(FloatList, len(t))
		for i, x := range t {
			n, err := num(x)
			if err != nil {
				return err
			}
			out[i] = n
		}
		*f = out
		return nil
	default:
		n, err := num(v)
		if err != nil {
			return err
		}
		*f = FloatList{n}
		return nil
	}
}

// Error is a configuration error: the file, the key and the reason, printed on one line.
type Error struct {
	File, Key, Msg string
}

func (e *Error) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Key, e.Msg)
}

// MaxConfigBytes is the largest config file that Load reads.
const MaxConfigBytes = 1 << 20

// Load reads, decodes and validates the file at path: a regular file of at most
// MaxConfigBytes.
func Load(path string) (*Config, error) {
	data, err := readBounded(path, MaxConfigBytes, "config file")
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read: " + err.Error()}
	}
	return Parse(data, path)
}

// readBounded reads the regular file at path if it holds at most limit bytes; what names the
// file in the error, which is the bare reason.
func readBounded(path string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, unwrapPath(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file: a %s must be a regular file, not a device, pipe or directory", what)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d MiB: a %s may hold at most %d bytes", limit>>20, what, limit)
	}
	return data, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse decodes and validates data; name is used in messages and to resolve relative paths.
func Parse(data []byte, name string) (*Config, error) {
	// [rbm] decodes over its defaults; the section is dropped again below if the file has none.
	c := &Config{Path: name, RBM: &RBM{Config: rbmdrift.DefaultConfig()}, Teacher: &Teacher{teacher.DefaultConfig()}}
	md, err := toml.Decode(string(data), c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			msg := oneLine(strings.SplitN(pe.Message, "\n", 2)[0])
			file := fmt.Sprintf("%s:%d:%d", name, pe.Position.Line, pe.Position.Col)
			if strings.Contains(msg, "give a number or a list of numbers") { // a FloatList value of the wrong kind is well-formed
				return nil, &Error{File: file, Key: pe.LastKey, Msg: msg}
			}
			return nil, &Error{File: file, Msg: "malformed TOML: " + msg}
		}
		return nil, &Error{File: name, Msg: typeMessage(oneLine(err.Error()))}
	}
	c.md = md
	if err := c.checkSeeds(data); err != nil {
		return nil, err
	}
	if !md.IsDefined("rbm") {
		c.RBM = nil
	}
	if !md.IsDefined("teacher") {
		c.Teacher = nil
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, &Error{File: name, Key: und[0].String(), Msg: "unknown key"}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// seedKeys are the keys that decode into unsigned integers.
var seedKeys = [][2]string{{"rbm", "seed"}, {"langevin", "seed"}, {"teacher", "seed"}}

// checkSeeds refuses negative seeds, which the decoder would wrap into huge unsigned values.
func (c *Config) checkSeeds(data []byte) error {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil // decoded once already
	}
	for _, k := range seedKeys {
		sec, _ := raw[k[0]].(map[string]any)
		if v, ok := sec[k[1]].(int64); ok && v < 0 {
			return &Error{File: c.Path, Key: k[0] + "." + k[1], Msg: fmt.Sprintf("%d must be >= 0 (a seed is an unsigned integer)", v)}
		}
	}
	return nil
}

// typeRe matches the decoder's type-mismatch errors, which name Go types.
var typeRe = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): incompatible types: TOML value has type ([^;]+); destination has type (.+)$`)

// typeMessage rewrites the decoder's type-mismatch error in the words of the config: the line,
// the key, what was given and what the key takes.
func typeMessage(msg string) string {
	m := typeRe.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := map[string]string{"integer": "an integer", "float": "a number", "slice": "a list", "string": "a string",
		"bool": "true or false", "struct": "a table", "map": "a table"}[m[4]]
	if want == "" {
		want = "another kind of value"
	}
	return fmt.Sprintf("line %s: %s: %s is given, the key takes %s", m[1], m[2], kindName(m[3]), want)
}

// kindName names a Go type of a decoded TOML value the way the config reads.
func kindName(t string) string {
	switch t {
	case "float64":
		return "a number with a fraction or exponent"
	case "int64":
		return "an integer"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "[]any", "[]interface {}":
		return "a list"
	case "map[string]any", "map[string]interface {}":
		return "a table"
	}
	return "a date or time"
}

// kindOf names the kind of a decoded TOML value.
func kindOf(x any) string {
	switch v := x.(type) {
	case string:
		return fmt.Sprintf("%q (a string)", v)
	case bool:
		return fmt.Sprintf("%v (a boolean)", v)
	case []any:
		return "a nested list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%v", x)
}

// oneLine keeps a message on one line: newlines become "; " and a carriage return (which the
// TOML decoder may quote raw from the input) is shown as \r.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), "\n", "; "), "\r", `\r`)
}

// Revalidate checks c again after the caller has filled in values (the resolution the command
// chooses from the data for absent keys), with the same rules and messages as Parse.
func (c *Config) Revalidate() error { return c.validate() }

// IsDefined reports whether the key (for example "grid", "lo") was set in the file.
func (c *Config) IsDefined(key ...string) bool { return c.md.IsDefined(key...) }

// Dir returns the directory of the config file ("." for the embedded default).
func (c *Config) Dir() string {
	if c.Path == "" || strings.HasPrefix(c.Path, "(") {
		return "."
	}
	return filepath.Dir(c.Path)
}

// PlotsEnabled reports whether plots are wanted (default true).
func (c *Config) PlotsEnabled() bool { return c.Output.Plots == nil || *c.Output.Plots }

// CoulombEnabled reports whether the pairwise Coulomb term is on (default true).
func (c *Config) CoulombEnabled() bool {
	return c.Model == nil || c.Model.Coulomb == nil || *c.Model.Coulomb
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
