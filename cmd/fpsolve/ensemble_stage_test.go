package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"

	"gonum.org/v1/gonum/mat"

	"fpsolve/ensemble"
	"fpsolve/internal/config"
	"fpsolve/model"
)

// TestEnsembleFromRBM: the RBM trainer's rbm_spectra.csv read back through [ensemble] with the
// RBM's learned values as targets gives the same spectra table (byte for byte) and the same
// modes and pairs in the summary as the trainer's own analysis (the same numbers exactly: the
// table holds every float64 in its shortest exact form).
func TestEnsembleFromRBM(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	rbmOut := filepath.Join(tmp, "rbm")
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "a"), ensRBMConfig(60, 400, 2)), "-out", rbmOut)
	rbm := readSummary(t, rbmOut)["rbm"].(map[string]any)
	var targets []string
	for i := range rbm["modes"].([]any) {
		v := strconv.FormatFloat(num(t, rbm, "modes", i, "target"), 'g', -1, 64)
		if !strings.ContainsAny(v, ".e") {
			v += ".0"
		}
		targets = append(targets, v)
	}
	cfg := "[ensemble]\nfiles = [\"" + filepath.Join(rbmOut, "rbm_spectra.csv") + "\"]\nalpha = 0.1\nbatch = 16\ntargets = [" + strings.Join(targets, ", ") + "]\n"
	out := filepath.Join(tmp, "ens")
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "b"), cfg), "-out", out)
	if a, b := ensRead(t, filepath.Join(rbmOut, "rbm_spectra.csv")), ensRead(t, filepath.Join(out, "ensemble_spectra.csv")); string(a) != string(b) {
		t.Error("ensemble_spectra.csv differs from the rbm_spectra.csv it read")
	}
	f := readSummary(t, out)["ensemble"].(map[string]any)["files"].([]any)[0].(map[string]any)
	if num(t, f, "runs") != 60 || num(t, f, "snapshots") != 5 || f["targets_from"] != "config" {
		t.Errorf("runs %v, snapshots %v, targets from %v", f["runs"], f["snapshots"], f["targets_from"])
	}
	samePairs(t, rbm["pairs"].([]any), f["pairs"].([]any), true)
	for i := range rbm["modes"].([]any) {
		for _, k := range []string{"mean", "var"} {
			if a, b := num(t, rbm, "modes", i, k), num(t, f, "modes", i, k); a != b {
				t.Errorf("mode %d %s: rbm %v, ensemble %v", i, k, a, b)
			}
		}
	}
	for _, f := range []string{"ensemble.png", "wigner_ensemble.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// samePairs checks that the ensemble's pairs ep are the rbm summary's rp exactly (and their
// modes too when modes).
func samePairs(t *testing.T, rp, ep []any, modes bool) {
	t.Helper()
	if len(rp) == 0 || len(rp) != len(ep) {
		t.Fatalf("%d rbm pairs, %d ensemble pairs", len(rp), len(ep))
	}
	for i := range rp {
		for _, k := range []string{"mean_spacing", "mean_spacing_err", "var", "binder"} {
			if a, b := num(t, rp, i, k), num(t, ep, i, k); a != b {
				t.Errorf("pair %d %s: rbm %v, ensemble %v", i, k, a, b)
			}
		}
		if modes && !reflect.DeepEqual(rp[i].(map[string]any)["modes"], ep[i].(map[string]any)["modes"]) {
			t.Errorf("pair %d modes differ", i)
		}
	}
}

// TestEnsembleRefusals: each bad [ensemble] input is one line naming the file (and line) and
// the cause, and nothing is written.
func TestEnsembleRefusals(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.csv", "run,step,x0,x1\n0,0,0.1,0.2\n0,10,1.9,2.1\n1,0,0.1,0.3\n1,10,1.8,2.0\n")
	for _, tc := range []struct{ name, file, extra, want string }{
		{"missing", filepath.Join(tmp, "none.csv"), "", "none.csv: no such file"},
		{"npz", write("w.npz", "PK"), "", "w.npz: not a NumPy .npz archive"},
		{"notnumpy", write("w.npy", "hello"), "", "w.npy: not a NumPy file"},
		{"header", write("h.csv", "run,x0\n0,1\n"), "", "h.csv: line 1: header"},
		{"nan", write("n.csv", "run,step,x0,x1\n0,0,0.1,NaN\n"), "", "n.csv: line 2 (run 0, step 0): x1"},
		{"order", write("o.csv", "run,step,x0,x1\n0,0,0.3,0.2\n"), "", "o.csv: line 2 (run 0, step 0): x1 = 0.2 below x0"},
		{"steps", write("s.csv", "run,step,x0,x1\n0,0,0.1,0.2\n0,10,1,2\n1,0,0.1,0.2\n1,20,1,2\n"), "", "s.csv: run 1 records step 20 where run 0 records step 10"},
		{"fields", write("f.csv", "run,step,x0,x1\n0,0,0.1\n"), "", "f.csv: line 2: 3 fields, want 4"},
		{"targets", good, "targets = [2.0]\n", "1 targets, but"},
		{"alpha", good, "alpha = -1.0\n", "ensemble.alpha"},
	} {
		cfg := "[ensemble]\nfiles = [\"" + tc.file + "\"]\n" + tc.extra
		if !strings.Contains(tc.extra, "alpha") {
			cfg += "alpha = 0.1\n"
		}
		dir, _, errs, code := runConfig(t, cfg)
		if code == 0 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want one line with %q", tc.name, code, errs, tc.want)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%s: wrote %s", tc.name, dir)
		}
	}
	dir, _, errs, code := runConfig(t, "[ensemble]\nfiles = [\""+good+"\"]\nalpha = 0.1\n\n"+ensRBMConfig(2, 10, 1))
	if code == 0 || !strings.Contains(errs, "[ensemble]") && !strings.Contains(errs, "ensemble") {
		t.Errorf("[ensemble] with [rbm]: exit %d, stderr %q", code, errs)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("[ensemble] with [rbm]: wrote %s", dir)
	}
}

// TestEnsembleNumPyRefusals: bad NumPy input is one line naming the file, the array and the
// cause, and nothing is written.
func TestEnsembleNumPyRefusals(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	save := func(name string, vals map[string]any) string {
		p := filepath.Join(tmp, name)
		if err := npz.Write(p, vals); err != nil {
			t.Fatal(err)
		}
		return p
	}
	w := func(runs, snaps, n int, bad float64) [][][][]float64 {
		out := make([][][][]float64, runs)
		for r := range out {
			for s := range snaps {
				m := make([][]float64, n)
				for i := range m {
					m[i] = make([]float64, n)
					m[i][i] = float64(1 + i + r + s)
				}
				out[r] = append(out[r], m)
			}
		}
		out[runs-1][snaps-1][0][n-1] = bad
		return out
	}
	good := save("good.npz", map[string]any{"W": w(3, 2, 2, 0), "lr": 0.1, "batch_size": int64(4)})
	for _, tc := range []struct{ name, file, extra, want string }{
		{"key", good, "key = \"V\"\n", `good.npz: no array "V"`},
		{"rank", save("rank.npz", map[string]any{"W": [][]float64{{1, 2}, {3, 4}}, "lr": 0.1}), "", `rank.npz: array "W": shape [2 2] has rank 2`},
		{"nan", save("nan.npz", map[string]any{"W": w(3, 2, 2, math.NaN()), "lr": 0.1}), "", `nan.npz: array "W": run 2, snapshot 1: entry (0, 1) is NaN`},
		{"inf", save("inf.npz", map[string]any{"W": w(2, 3, 2, math.Inf(1)), "lr": 0.1}), "", `inf.npz: array "W": run 1, snapshot 2: entry (0, 1) is +Inf`},
		{"noalpha", save("na.npz", map[string]any{"W": w(2, 2, 2, 0)}), "", `na.npz: no learning rate: the file has no scalar "lr"`},
		{"conflict", good, "alpha = 0.2\n", `ensemble.alpha: 0.2, but`},
		{"steps", good, "steps = [0, 1, 2]\n", "3 steps, but"},
		{"stepsorder", good, "steps = [5, 1]\n", "step 1 after step 5"},
		{"spectrum", good, "spectrum = \"eig\"\n", "ensemble.spectrum"},
		{"shapes", filepath.Join(tmp, "run*.npz"), "layout = \"snapshots\"\n", "the files of one ensemble have one shape"},
	} {
		if tc.name == "shapes" {
			save("run0.npz", map[string]any{"W": w(1, 2, 2, 0)[0], "lr": 0.1})
			save("run1.npz", map[string]any{"W": w(1, 3, 2, 0)[0], "lr": 0.1})
		}
		cfg := "[ensemble]\nfiles = [\"" + tc.file + "\"]\n" + tc.extra
		dir, _, errs, code := runConfig(t, cfg)
		if code == 0 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want one line with %q", tc.name, code, errs, tc.want)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%s: wrote %s", tc.name, dir)
		}
	}
	// The good file itself runs, with its settings from the file.
	dir, _, errs, code := runConfig(t, "[ensemble]\nfiles = [\""+good+"\"]\nspectrum = \"gram\"\n[output]\nplots = false\n")
	if code != 0 {
		t.Fatalf("good.npz: exit %d: %s", code, errs)
	}
	f := readSummary(t, dir)["ensemble"].(map[string]any)["files"].([]any)[0].(map[string]any)
	if num(t, f, "settings", "alpha") != 0.1 || num(t, f, "settings", "batch") != 4 || num(t, f, "runs") != 3 || num(t, f, "snapshots") != 2 {
		t.Errorf("good.npz: settings %v, runs %v, snapshots %v", f["settings"], f["runs"], f["snapshots"])
	}
	// Mode 1 of run r at the last snapshot (s = 1) is (1 + 1 + r + 1)^2 exactly (a diagonal W).
	if got, want := num(t, f, "modes", 1, "mean"), (9.0+16+25)/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("good.npz mode 1 mean %v, want %v", got, want)
	}
}

// TestEnsembleFromRBMNumPy: the RBM trainer's rbm_spectra.npz read back through [ensemble]
// (spectrum = "values", the settings from the file) gives exactly the trainer's own pairs and
// modes, and its rbm_weights.npz (save_weights: W at every recorded step) read with spectrum =
// "gram" gives the same snapshots and the final spectra to eigensolver rounding.
func TestEnsembleFromRBMNumPy(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	rbmOut := filepath.Join(tmp, "rbm")
	cfg := strings.Replace(ensRBMConfig(40, 300, 3), "[rbm]\n", "[rbm]\nsave_weights = true\n", 1)
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "a"), cfg), "-out", rbmOut)
	rbm := readSummary(t, rbmOut)["rbm"].(map[string]any)
	var targets []string
	for i := range rbm["modes"].([]any) {
		targets = append(targets, strconv.FormatFloat(num(t, rbm, "modes", i, "target"), 'e', -1, 64))
	}
	tg := "targets = [" + strings.Join(targets, ", ") + "]\n"
	out := filepath.Join(tmp, "ens")
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "b"), "[ensemble]\nfiles = [\""+filepath.Join(rbmOut, "rbm_spectra.npz")+"\"]\nkey = \"spectra\"\nspectrum = \"values\"\nsteps = \"steps\"\n"+tg), "-out", out)
	if a, b := ensRead(t, filepath.Join(rbmOut, "rbm_spectra.csv")), ensRead(t, filepath.Join(out, "ensemble_spectra.csv")); string(a) != string(b) {
		t.Error("ensemble_spectra.csv from rbm_spectra.npz differs from rbm_spectra.csv")
	}
	f := readSummary(t, out)["ensemble"].(map[string]any)["files"].([]any)[0].(map[string]any)
	if num(t, f, "settings", "alpha") != 0.1 || num(t, f, "settings", "batch") != 16 {
		t.Errorf("settings %v, want alpha 0.1, batch 16 from the file", f["settings"])
	}
	samePairs(t, rbm["pairs"].([]any), f["pairs"].([]any), false)
	wout := filepath.Join(tmp, "w")
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "c"), "[ensemble]\nfiles = [\""+filepath.Join(rbmOut, "rbm_weights.npz")+"\"]\nspectrum = \"gram\"\nsteps = \"steps\"\n"+tg), "-out", wout)
	g := readSummary(t, wout)["ensemble"].(map[string]any)["files"].([]any)[0].(map[string]any)
	if num(t, g, "snapshots") != num(t, f, "snapshots") || num(t, g, "runs") != 40 {
		t.Errorf("rbm_weights.npz: %v runs x %v snapshots, want 40 x %v", g["runs"], g["snapshots"], f["snapshots"])
	}
	for i := range rbm["modes"].([]any) {
		// The trainer's Jacobi and gonum's eigensolver on the same W^T W (values of order 1-10)
		// agree to a few rounding errors; 1e-10 leaves room for the sum over 40 runs.
		if a, b := num(t, rbm, "modes", i, "mean"), num(t, g, "modes", i, "mean"); math.Abs(a-b) > 1e-10 {
			t.Errorf("mode %d mean: rbm %v, from the weights %v", i, a, b)
		}
	}
}

// TestCompareWarnings: a theory whose mean is more than 4 standard errors off, or whose
// variance is more than 30% off, is named in one warning line per mode and theory; agreeing
// ones are not.
func TestCompareWarnings(t *testing.T) {
	t.Parallel()
	ok := &theoryOut{Mean: 1, Var: 0.01, MeanPull: 1, VarRelDiff: 0.1, MeanWithin4SE: true, VarWithin30: true}
	offMean := &theoryOut{Mean: 1.5, Var: 0.01, MeanPull: 9, VarRelDiff: 0.1, MeanWithin4SE: false, VarWithin30: true}
	offVar := &theoryOut{Mean: 1, Var: 0.02, MeanPull: 1, VarRelDiff: 1, MeanWithin4SE: true, VarWithin30: false}
	rbm := sampleOut{Mean: 1, MeanErr: 0.05, Var: 0.01}
	w := compareWarnings([]compareMode{
		{Mode: 0, RBM: rbm, FokkerPlanck: ok, Langevin: ok},
		{Mode: 1, RBM: rbm, FokkerPlanck: offMean, Langevin: ok},
		{Mode: 2, RBM: rbm, Langevin: offVar},
	}, "the last step")
	if len(w) != 2 || !strings.Contains(w[0], "mode 1 at the last step: Fokker-Planck mean 1.5") || !strings.Contains(w[1], "mode 2 at the last step: Langevin") ||
		!strings.Contains(w[1], "+100%") {
		t.Errorf("warnings %q", w)
	}
}

// TestEnsembleDrift: spectra recorded at every step (a teacher ensemble with record_every = 1)
// read through [ensemble] give ensemble_drift.csv, a drift table that model's reader takes, with
// every single-step increment counted once per mode (the numerics: rbmdrift's
// TestSnapshotDrift).
func TestEnsembleDrift(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	src := filepath.Join(tmp, "teacher")
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "a"), "[teacher]\nruns = 50\nsteps = 40\nrecord_every = 1\nmeasure_every = 0\nseed = 1\n"), "-out", src)
	cfg := "[ensemble]\nfiles = [\"" + filepath.Join(src, "teacher_spectra.csv") + "\"]\nalpha = 0.1\nbatch = 16\n"
	out := filepath.Join(tmp, "ens")
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "b"), cfg), "-out", out)
	f := readSummary(t, out)["ensemble"].(map[string]any)["files"].([]any)[0].(map[string]any)
	if n := num(t, f, "drift_snapshot_pairs"); n != 40 {
		t.Errorf("drift_snapshot_pairs %v, want 40", n)
	}
	data := ensRead(t, filepath.Join(out, "ensemble_drift.csv"))
	if _, err := model.ReadTimeTables(bytes.NewReader(data)); err != nil {
		t.Fatalf("ensemble_drift.csv is not a drift table: %v", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var counts [2]int64
	for _, rec := range recs[1:] {
		m, _ := strconv.Atoi(rec[col["mode"]])
		c, _ := strconv.ParseInt(rec[col["count"]], 10, 64)
		counts[m] += c
	}
	if counts != [2]int64{40 * 50, 40 * 50} {
		t.Errorf("increments per mode %v, want %d each", counts, 40*50)
	}
}

// TestEnsembleSweepFromFiles: the spectra .npz files that a [teacher] sweep writes, read back
// through [ensemble] (the settings lr, batch_size, noise from each file), give the sweep's own
// points exactly and its fit of <S> = a sqrt(alpha/|B|) eps to rounding (the same spectra,
// pairs and x).
func TestEnsembleSweepFromFiles(t *testing.T) {
	t.Parallel()
	dir, _, errs, code := runConfig(t, "[teacher]\nruns = 300\nsteps = 200\nrecord_every = 200\nmeasure_every = 0\nseed = 5\n\n[sweep]\nalpha = [0.1]\nbatch = [4, 64]\nnoise = [0.1, 0.05]\n")
	if code != 0 {
		t.Fatalf("teacher sweep: exit %d: %s", code, errs)
	}
	want := readSummary(t, dir)["sweep"].(map[string]any)
	files := filepath.Join(dir, "alpha=*", "teacher_spectra.npz")
	out, stdout, errs, code := runConfig(t, "[ensemble]\nfiles = [\""+files+"\"]\nkey = \"spectra\"\nspectrum = \"values\"\nsteps = \"steps\"\ntargets = [2.0, 2.0]\n")
	if code != 0 {
		t.Fatalf("ensemble: exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "ensemble sweep: <S> = a x") {
		t.Errorf("stdout lacks the sweep fit: %q", stdout)
	}
	got := readSummary(t, out)["sweep"].(map[string]any)
	// The files come in name order, the sweep's settings in config order: the fit's sums run in
	// another order and may differ in the last bits (1e-12 relative).
	for _, k := range []string{"a_fit", "a_fit_err", "chi2_dof"} {
		if a, b := num(t, want, k), num(t, got, k); math.Abs(a-b) > 1e-12*math.Abs(a) {
			t.Errorf("%s: teacher sweep %v, from the files %v", k, a, b)
		}
	}
	key := func(p map[string]any) string {
		return fmt.Sprint(p["alpha"], p["batch"], p["noise"], p["pair"])
	}
	wp := map[string]float64{}
	for _, p := range want["points"].([]any) {
		wp[key(p.(map[string]any))] = p.(map[string]any)["mean_spacing"].(float64)
	}
	gp := got["points"].([]any)
	if len(gp) != 4 || len(wp) != 4 {
		t.Fatalf("%d points from the files, %d in the sweep; want 4", len(gp), len(wp))
	}
	for _, p := range gp {
		m := p.(map[string]any)
		if w, ok := wp[key(m)]; !ok || w != m["mean_spacing"].(float64) {
			t.Errorf("point %s: <S> %v from the files, %v in the sweep", key(m), m["mean_spacing"], w)
		}
	}
	for _, f := range []string{"scaling.csv", "scaling.png", "wigner_sweep.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestEnsembleComparison: an [ensemble] read from the RBM's rbm_spectra.npz, with the RBM's
// drift.csv as the [model] table and the same [langevin], is compared with the walkers like
// the RBM run itself: the trained side of every mode is the RBM run's exactly, every mode has
// its Langevin figures, and the printed line names the ensemble. (The walkers themselves differ:
// with [rbm] the model also takes the RBM's learned fixed points, which a file does not give.)
func TestEnsembleComparison(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	theory := "\n[model]\ndrift = \"table\"\n%s\n[langevin]\nwalkers = 2000\nalpha = 0.1\nbatch = 16\nsteps = 300\nseed = 1\n\n[output]\nplots = false\n"
	rbmOut := filepath.Join(tmp, "rbm")
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "a"), ensRBMConfig(40, 300, 3)+fmt.Sprintf(theory, "")), "-out", rbmOut)
	want := readSummary(t, rbmOut)["comparison"].(map[string]any)
	cfg := "[ensemble]\nfiles = [\"" + filepath.Join(rbmOut, "rbm_spectra.npz") + "\"]\nkey = \"spectra\"\nspectrum = \"values\"\nsteps = \"steps\"\n" +
		fmt.Sprintf(theory, "table = \""+filepath.Join(rbmOut, "drift.csv")+"\"")
	out := filepath.Join(tmp, "ens")
	stdout := ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "b"), cfg), "-out", out)
	got, ok := readSummary(t, out)["comparison"].(map[string]any)
	if !ok {
		t.Fatalf("no comparison with the [ensemble]: %s", stdout)
	}
	if !strings.Contains(stdout, "comparison with the [ensemble] rbm_spectra.npz ensemble") {
		t.Errorf("stdout does not name the ensemble compared: %q", stdout)
	}
	wm, gm := want["modes"].([]any), got["modes"].([]any)
	if len(wm) != len(gm) || len(wm) == 0 {
		t.Fatalf("%d modes compared, want %d", len(gm), len(wm))
	}
	for i := range wm {
		a, _ := json.Marshal(wm[i].(map[string]any)["rbm"])
		b, _ := json.Marshal(gm[i].(map[string]any)["rbm"])
		if string(a) != string(b) {
			t.Errorf("mode %d: trained side %s, from the file %s", i, a, b)
		}
		if _, ok := gm[i].(map[string]any)["langevin"].(map[string]any); !ok {
			t.Errorf("mode %d: no Langevin figures", i)
		}
	}
}

// TestEnsembleMP: the Marchenko-Pastur law drawn over step 0 recovers the entries' variance of
// iid N(0, 0.09) weights, 200 matrices 40 x 20, from their singular values and from W^T W
// (moment estimate over 4,000 values: its relative error is about sqrt(2/(40*20*200)) = 0.2%;
// 2% allows ten times that), and is not drawn for spectra or a W^T W with zero eigenvalues.
func TestEnsembleMP(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 2))
	const runs, rows, cols = 200, 40, 20
	sing, gram := make([][][]float64, runs), make([][][]float64, runs)
	for m := range runs {
		w := mat.NewDense(rows, cols, nil)
		for i := range rows {
			for j := range cols {
				w.Set(i, j, 0.3*rnd.NormFloat64())
			}
		}
		var svd mat.SVD
		svd.Factorize(w, mat.SVDNone)
		v := svd.Values(nil)
		slices.Reverse(v)
		g := make([]float64, len(v))
		for k := range v {
			g[k] = v[k] * v[k]
		}
		sing[m], gram[m] = [][]float64{v}, [][]float64{g}
	}
	for _, c := range []struct {
		kind ensemble.SpectrumKind
		sp   [][][]float64
	}{{ensemble.Singular, sing}, {ensemble.Gram, gram}} {
		e := &ensemble.Trained{Spectra: c.sp, Steps: []int{0}}
		_, s2 := ensembleMP(config.EnsembleFile{Rows: rows, Cols: cols, Spectrum: c.kind}, e)
		if math.Abs(s2/0.09-1) > 0.02 {
			t.Errorf("%v: fitted s2 %v, want 0.09", c.kind, s2)
		}
		// The transposed shape (rows < cols) gives the same law for singular values.
		if c.kind == ensemble.Singular {
			if _, s2t := ensembleMP(config.EnsembleFile{Rows: cols, Cols: rows, Spectrum: c.kind}, e); s2t != s2 {
				t.Errorf("transposed: s2 %v, want %v", s2t, s2)
			}
		}
	}
	if mp, _ := ensembleMP(config.EnsembleFile{Rows: cols, Cols: rows, Spectrum: ensemble.Gram}, &ensemble.Trained{Spectra: gram, Steps: []int{0}}); mp != nil {
		t.Error("drawn for W^T W with cols > rows")
	}
	if mp, _ := ensembleMP(config.EnsembleFile{Spectrum: ensemble.Values}, &ensemble.Trained{Spectra: gram, Steps: []int{0}}); mp != nil {
		t.Error("drawn for spectra")
	}
}

// TestEnsembleFromTeacherWeights: the teacher-student trainer's teacher_weights.npz
// (save_weights) read through [ensemble] with the default singular spectrum gives the
// trainer's own pair: the same runs and snapshots, <S> and variance to SVD rounding (the
// trainer's closed form at N = 2 against gonum's SVD, values about 2: 1e-10).
func TestEnsembleFromTeacherWeights(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	tOut := filepath.Join(tmp, "teacher")
	cfg := strings.Replace(teacherCfg, "runs = 600", "runs = 100\nsave_weights = true", 1) + "measure_every = 0\n"
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "a"), cfg), "-out", tOut)
	tp := readSummary(t, tOut)["teacher"].(map[string]any)["pairs"].([]any)
	out := filepath.Join(tmp, "ens")
	ensMustRun(t, "-config", ensWriteConfig(t, filepath.Join(tmp, "b"), "[ensemble]\nfiles = [\""+filepath.Join(tOut, "teacher_weights.npz")+"\"]\nsteps = \"steps\"\ntargets = [2.0, 2.0]\n"), "-out", out)
	f := readSummary(t, out)["ensemble"].(map[string]any)["files"].([]any)[0].(map[string]any)
	if num(t, f, "runs") != 100 || num(t, f, "snapshots") != 4 || num(t, f, "settings", "noise") != 0.1 {
		t.Errorf("runs %v, snapshots %v, settings %v; want 100, 4 (steps 0..300 by 100), noise 0.1", f["runs"], f["snapshots"], f["settings"])
	}
	ep := f["pairs"].([]any)
	if len(tp) != 1 || len(ep) != 1 {
		t.Fatalf("%d teacher pairs, %d from the weights; want 1", len(tp), len(ep))
	}
	for _, k := range []string{"mean_spacing", "var"} {
		if a, b := num(t, tp, 0, k), num(t, ep, 0, k); math.Abs(a-b) > 1e-10 {
			t.Errorf("%s: teacher %v, from its weights %v", k, a, b)
		}
	}
}
