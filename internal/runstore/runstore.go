// Package runstore persists the completed members of an ensemble (training runs, blocks of
// walkers), one file per member, so that an interrupted job continues where it stopped and
// shards of a job can be merged.
//
// A store never returns a member that does not belong to the question asked:
//
//   - Every store has a key (Key): a hash of everything that determines its members, with the
//     file format's version. A member saved under another key is stale and is not returned.
//   - Every member file carries the SHA-256 of its contents and their length. A file that was
//     truncated, altered or written by another program is corrupt: Load reports it with a
//     *CorruptError naming the file and what is wrong, and never decodes it as data.
//   - Files are written atomically (a temporary file renamed into place): a member is either
//     complete on disk or absent.
package runstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"fpsolve/internal/output"
)

// FormatVersion is the version of the member file layout and of the meaning of the stored
// values. It is part of every key, so raising it makes every stored member stale.
const FormatVersion = 2

// magic starts every member file of this format.
var magic = [8]byte{'F', 'P', 'S', 'M', 'E', 'M', 'B', '0' + FormatVersion}

// headerLen is the length of a member file's header: magic, SHA-256 of the payload, payload
// length.
const headerLen = len(magic) + sha256.Size + 8

// maxPayload bounds the payload length read from a header (a corrupt length must not make
// Load allocate without limit): 4 GiB.
const maxPayload = 1 << 32

// Store is a directory of members of one ensemble, keyed by their global index.
type Store struct {
	Dir string
	// Tag identifies everything that determines the members (see Key); members saved under
	// another tag are stale and never returned.
	Tag string
}

// Key returns the tag of an ensemble of the given kind whose members are determined by inputs:
// kind and a SHA-256 of the JSON form of (FormatVersion, kind, inputs). inputs should hold every
// resolved value a member depends on (model, noise, grid, initial law, stage settings, seed).
// Values whose JSON form is empty or lossy (NaN, unexported state) must be made explicit by the
// caller; Key fails on values JSON cannot encode.
func Key(kind string, inputs any) (string, error) {
	b, err := json.Marshal(struct {
		Format int
		Kind   string
		Inputs any
	}{FormatVersion, kind, inputs})
	if err != nil {
		return "", fmt.Errorf("run store key of %s: %v", kind, err)
	}
	s := sha256.Sum256(b)
	return kind + ":" + hex.EncodeToString(s[:16]), nil
}

var nameRE = regexp.MustCompile(`^member-(\d+)\.gob$`)

// Path returns the file of member i.
func (s Store) Path(i int) string {
	return filepath.Join(s.Dir, fmt.Sprintf("member-%07d.gob", i))
}

type envelope[T any] struct {
	Tag   string
	Index int
	Value T
}

// header is the part of an envelope that Check decodes (gob skips the value).
type header struct {
	Tag   string
	Index int
}

// Save writes member i atomically.
func Save[T any](s Store, i int, v T) error {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(envelope[T]{Tag: s.Tag, Index: i, Value: v}); err != nil {
		return fmt.Errorf("encode %s: %v", s.Path(i), err)
	}
	sum := sha256.Sum256(payload.Bytes())
	return output.WriteFile(s.Path(i), func(w io.Writer) error {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(payload.Len()))
		for _, b := range [][]byte{magic[:], sum[:], n[:], payload.Bytes()} {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
}

// CorruptError reports a member file that exists but is not an intact member of this format.
type CorruptError struct {
	Path   string
	Reason string
}

func (e *CorruptError) Error() string { return e.Path + ": " + e.Reason }

// ErrStale is returned by Check for an intact member saved under another tag or index.
var ErrStale = errors.New("stored under other settings")

// read returns the verified payload of member i: os.ErrNotExist when absent, a *CorruptError
// when damaged, another error when the file cannot be read.
func (s Store) read(i int) ([]byte, error) {
	p := s.Path(i)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if len(data) >= len(magic) && !bytes.Equal(data[:len(magic)], magic[:]) {
		return nil, &CorruptError{p, "not a member file of this format (an older fpsolve or another program wrote it)"}
	}
	if len(data) < headerLen {
		return nil, &CorruptError{p, fmt.Sprintf("truncated (%d bytes, the header alone is %d)", len(data), headerLen)}
	}
	want := data[len(magic) : len(magic)+sha256.Size]
	n := binary.LittleEndian.Uint64(data[len(magic)+sha256.Size : headerLen])
	body := data[headerLen:]
	if n > maxPayload || uint64(len(body)) != n {
		return nil, &CorruptError{p, fmt.Sprintf("truncated or padded (%d bytes of contents, the header says %d)", len(body), n)}
	}
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], want) {
		return nil, &CorruptError{p, "checksum mismatch (the contents were altered after they were written)"}
	}
	return body, nil
}

// Load reads member i. ok is false and err nil when the member is absent or stale (saved
// under another tag); err is a *CorruptError when the file is damaged (the caller reports it
// and recomputes the member), another error when it cannot be read at all.
func Load[T any](s Store, i int) (v T, ok bool, err error) {
	body, err := s.read(i)
	if errors.Is(err, os.ErrNotExist) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	var e envelope[T]
	if err := gob.NewDecoder(bytes.NewReader(body)).Decode(&e); err != nil {
		// The checksum held, so the writer stored another type under this name.
		return v, false, &CorruptError{s.Path(i), fmt.Sprintf("intact but not decodable as this member type (%v)", err)}
	}
	if e.Tag != s.Tag || e.Index != i {
		return v, false, nil
	}
	return e.Value, true, nil
}

// Check verifies member i without decoding its value: nil when it is an intact member of this
// store's tag and index, os.ErrNotExist when absent, ErrStale when intact but stored under
// another tag or index, a *CorruptError when damaged.
func (s Store) Check(i int) error {
	body, err := s.read(i)
	if err != nil {
		return err
	}
	var h header
	if err := gob.NewDecoder(bytes.NewReader(body)).Decode(&h); err != nil {
		return &CorruptError{s.Path(i), fmt.Sprintf("intact but not a member envelope (%v)", err)}
	}
	if h.Tag != s.Tag || h.Index != i {
		return ErrStale
	}
	return nil
}

// Indices lists the member indices present in the directory, ascending.
func (s Store) Indices() ([]int, error) {
	ents, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range ents {
		if m := nameRE.FindStringSubmatch(e.Name()); m != nil {
			i, err := strconv.Atoi(m[1])
			if err == nil {
				out = append(out, i)
			}
		}
	}
	sort.Ints(out)
	return out, nil
}
