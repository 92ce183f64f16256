package main

import (
	"encoding/json"
	"math"
	"strconv"

	"fpsolve/rmt"
)

// summary is summary.json: one typed section per stage that ran (README, "summary.json
// sections"). Sections of stages that did not run are absent.
type summary struct {
	// Resolution is what the command chose from the data for absent resolution keys.
	Resolution   *resolutionSummary `json:"resolution,omitempty"`
	RBM          *rbmSummary        `json:"rbm,omitempty"`
	Teacher      *teacherSummary    `json:"teacher,omitempty"`
	Ensemble     *ensembleSummary   `json:"ensemble,omitempty"`
	Sweep        *sweepSummary      `json:"sweep,omitempty"`
	FokkerPlanck *fpSummary         `json:"fokkerplanck,omitempty"`
	Spectrum     *spectrumSummary   `json:"spectrum,omitempty"`
	Langevin     *langevinSummary   `json:"langevin,omitempty"`
	Comparison   *comparisonSummary `json:"comparison,omitempty"`
	Seconds      map[string]float64 `json:"seconds"`
}

// jnum is a number of the summary: NaN and infinities, which JSON cannot hold, are null.
type jnum float64

func (x jnum) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(x))
}

func jnums(v []float64) []jnum {
	out := make([]jnum, len(v))
	for i, x := range v {
		out[i] = jnum(x)
	}
	return out
}

// momentsOut is the summary of one distribution.
type momentsOut struct {
	Mean   jnum `json:"mean"`
	Var    jnum `json:"var"`
	Binder jnum `json:"binder"`
}

func moments(m rmt.Moments) momentsOut {
	return momentsOut{Mean: jnum(m.Mean), Var: jnum(m.Var), Binder: jnum(m.Binder)}
}

// pairOut is a degenerate pair of modes in the summary (fokkerplanck, langevin, rbm).
type pairOut struct {
	Modes          [2]int `json:"modes"`
	Kappa          jnum   `json:"kappa"`
	MeanSpacing    jnum   `json:"mean_spacing"`
	MeanSpacingErr *jnum  `json:"mean_spacing_err,omitempty"`
	Var            jnum   `json:"var"`
	Binder         jnum   `json:"binder"`
	// Independent marks a pair solved as two independent modes (no Coulomb term).
	Independent bool `json:"independent,omitempty"`
}

func jnumPtr(x float64) *jnum { v := jnum(x); return &v }

// fpSummary is the "fokkerplanck" section.
type fpSummary struct {
	Mass           jnum         `json:"mass"`
	Clusters       [][]int      `json:"clusters"`
	TEnd           jnum         `json:"t_end"`
	DriftWindows   int          `json:"drift_windows,omitempty"`
	StationaryL1   jnum         `json:"stationary_l1"`
	RelaxationRate jnum         `json:"relaxation_rate"`
	Coupling       string       `json:"coupling,omitempty"`
	Modes          []momentsOut `json:"modes"`
	Pairs          []pairOut    `json:"pairs"`
	// Warnings are the run's one-line warnings (the mass rule of the [time] stage), also on stderr.
	Warnings []string `json:"warnings,omitempty"`
}

// spectrumSummary is the "spectrum" section.
type spectrumSummary struct {
	Eigenvalues    []jnum `json:"eigenvalues"`
	Residuals      []jnum `json:"residuals"`
	Discretisation string `json:"discretisation"`
	Points         int    `json:"points"`
	Modes          int    `json:"modes"`
	FDEigenvalues  []jnum `json:"fd_eigenvalues,omitempty"`
}

// langevinSummary is the "langevin" section.
type langevinSummary struct {
	Modes   []momentsOut `json:"modes"`
	Pairs   []pairOut    `json:"pairs"`
	Walkers int          `json:"walkers"`
	Steps   int          `json:"steps"`
	Alpha   jnum         `json:"alpha"`
	Batch   int          `json:"batch"`
	Level   string       `json:"level"`
	// Noise names the derived noise of [noise] model = "pcd": "pcd, next order" (with the
	// drift of rbmdrift.PCDNoise.NextOrder) or "pcd, leading order"; empty otherwise.
	Noise   string         `json:"noise,omitempty"`
	T       jnum           `json:"t"`
	Initial string         `json:"initial"`
	Counts  langevinCounts `json:"counts"`
	Note    string         `json:"note,omitempty"`
	// Warnings are the one-line warnings of the run (langevinWarnings), also on stderr.
	Warnings []string `json:"warnings,omitempty"`
	// level = "weights" only.
	WeightVar jnum   `json:"weight_var,omitempty"`
	Fixed     []jnum `json:"fixed,omitempty"`
}

type langevinCounts struct {
	Reflected int64 `json:"reflected"`
	Rejected  int64 `json:"rejected"`
	Crossings int64 `json:"crossings"`
	Ties      int64 `json:"ties"`
}

// rbmSummary is the "rbm" section, and one setting of the "sweep".
type rbmSummary struct {
	Dir              string     `json:"dir,omitempty"` // sweep settings: the setting's directory
	Kappa            []jnum     `json:"kappa"`
	Modes            []rbmMode  `json:"modes"`
	Pairs            []pairOut  `json:"pairs"`
	Runs             int        `json:"runs"`
	Steps            int        `json:"steps"`
	Alpha            jnum       `json:"alpha"`
	Batch            int        `json:"batch"`
	UpdatesPerSecond jnum       `json:"updates_per_second"`
	DriftDropped     *int64     `json:"drift_dropped,omitempty"`
	Noise            []noiseOut `json:"noise,omitempty"`
	// Warnings are the ensemble's one-line warnings (droppedWarning), also on stderr.
	Warnings []string `json:"warnings,omitempty"`
}

type rbmMode struct {
	momentsOut
	Target jnum `json:"target"`
	Kappa  jnum `json:"kappa"`
}

// noiseOut is one eigenvalue's measured noise at its fixed point.
type noiseOut struct {
	Mode     int  `json:"mode"`
	XStar    jnum `json:"x_star"`
	D2       jnum `json:"d2"`
	D2Err    jnum `json:"d2_err"`
	Slope    jnum `json:"slope"`
	SlopeErr jnum `json:"slope_err"`
	Bins     int  `json:"bins"`
	Gtilde2  jnum `json:"gtilde2"` // null unless sigma_h = 1
}

// sweepSummary is the "sweep" section.
type sweepSummary struct {
	Settings          []rbmSummary     `json:"settings,omitempty"`
	TeacherSettings   []teacherSummary `json:"teacher_settings,omitempty"`
	ExactAgreement    *agreementOut    `json:"exact_agreement,omitempty"` // teacher: <S> against teacher.ExactSpacing
	Points            []sweepOut       `json:"points"`
	AFit              jnum             `json:"a_fit"`
	AFitErr           jnum             `json:"a_fit_err"`
	Chi2Dof           jnum             `json:"chi2_dof"`
	NLO               *nloOut          `json:"nlo"`
	LangevinAgreement *agreementOut    `json:"langevin_agreement"`
	PairFits          []pairFitOut     `json:"pair_fits"`
}

type sweepOut struct {
	Alpha                  jnum   `json:"alpha"`
	Batch                  int    `json:"batch"`
	Noise                  *jnum  `json:"noise,omitempty"` // teacher
	Pair                   int    `json:"pair"`
	Modes                  [2]int `json:"modes"`
	Kappa                  jnum   `json:"kappa"`
	X                      jnum   `json:"x"`
	MeanSpacing            jnum   `json:"mean_spacing"`
	MeanSpacingErr         jnum   `json:"mean_spacing_err"`
	SigmaFit               jnum   `json:"sigma_fit"`
	SigmaFitErr            jnum   `json:"sigma_fit_err"`
	Binder                 jnum   `json:"binder"`
	BinderErr              jnum   `json:"binder_err"`
	LangevinMeanSpacing    jnum   `json:"langevin_mean_spacing"`
	LangevinMeanSpacingErr jnum   `json:"langevin_mean_spacing_err"`
	// teacher: the linear theory's <S> and the measured over the exact one
	Leading  *jnum `json:"leading,omitempty"`
	Exact    *jnum `json:"exact,omitempty"`
	Ratio    *jnum `json:"ratio,omitempty"`
	RatioErr *jnum `json:"ratio_err,omitempty"`
}

type nloOut struct {
	A       jnum   `json:"a"`
	AErr    jnum   `json:"a_err"`
	B       jnum   `json:"b"`
	BErr    jnum   `json:"b_err"`
	Chi2Dof jnum   `json:"chi2_dof"`
	Form    string `json:"form"`
}

type agreementOut struct {
	Points         int  `json:"points"`
	Chi2PerPoint   jnum `json:"chi2_per_point"`
	MeanAbsRelDiff jnum `json:"mean_abs_rel_diff"`
}

type pairFitOut struct {
	Pair    int  `json:"pair"`
	Kappa   jnum `json:"kappa"`
	A       jnum `json:"a"`
	AErr    jnum `json:"a_err"`
	Chi2Dof jnum `json:"chi2_dof"`
	Points  int  `json:"points"`
}

// comparisonSummary is the "comparison" section.
type comparisonSummary struct {
	Modes           []compareMode `json:"modes"`
	WorstMeanPull   jnum          `json:"worst_mean_pull"`
	WorstVarRelDiff jnum          `json:"worst_var_rel_diff"`
	Times           []compareTime `json:"times"`
	Note            string        `json:"note"`
	Warnings        []string      `json:"warnings,omitempty"` // modes and times whose theory does not reproduce the ensemble
}

type compareMode struct {
	Mode         int        `json:"mode"`
	RBM          sampleOut  `json:"rbm"`
	FokkerPlanck *theoryOut `json:"fokkerplanck,omitempty"`
	Langevin     *theoryOut `json:"langevin,omitempty"`
}

type sampleOut struct {
	Mean    jnum `json:"mean"`
	MeanErr jnum `json:"mean_err"`
	Var     jnum `json:"var"`
}

type theoryOut struct {
	Mean          jnum `json:"mean"`
	Var           jnum `json:"var"`
	KS            jnum `json:"ks"`
	MeanPull      jnum `json:"mean_pull"`
	VarRelDiff    jnum `json:"var_rel_diff"`
	MeanWithin4SE bool `json:"mean_within_4se"`
	VarWithin30   bool `json:"var_within_30pct"`
}

type compareTime struct {
	Step            int           `json:"step"`
	T               jnum          `json:"t"`
	WorstMeanPull   jnum          `json:"worst_mean_pull"`
	WorstVarRelDiff jnum          `json:"worst_var_rel_diff"`
	Modes           []compareMode `json:"modes"`
}

// fmtNum prints a summary number for people: "none" where the summary has null.
func fmtNum(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "none"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
