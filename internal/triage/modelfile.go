package triage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strconv"
)

// The department model's weights are embedded as data/model.bin, written by
// `heydoctor triage train` (go generate ./internal/triage/): training reads every corpus
// row and takes seconds, loading the file takes milliseconds. The file records a
// fingerprint of everything training reads (the lexicon, the symptoms, the conditions,
// the corpora and the model's settings); TestModelFresh fails when it no longer
// matches, so the weights never silently lag the corpus.
//
// Format (gzip): "HDTRIAGE1\n", the 32-byte fingerprint, the temperature (float64),
// the labels (uint16 count, then uint16 length + UTF-8 each), the biases (float32 each),
// the row count (uint32), then per feature row the bucket as a uvarint delta from the
// previous one, a float32 scale and one int8 per label (weight = int8 × scale).
const modelMagic = "HDTRIAGE1\n"

// modelSettings are the training settings that change the weights; they are part of
// the fingerprint.
var modelSettings = fmt.Sprintf("%d %d %+v features-v5", modelBuckets, longRunes, defaultModel)

// trainingFingerprint hashes everything the model's training reads.
func trainingFingerprint(fsys fs.FS) ([32]byte, error) {
	h := sha256.New()
	h.Write([]byte(modelSettings))
	names := []string{"lexicon.tsv", "symptoms.tsv", "conditions.tsv", "corpus.tsv"}
	more, err := fs.Glob(fsys, "corpus/*.tsv")
	if err != nil {
		return [32]byte{}, err
	}
	slices.Sort(more)
	for _, name := range append(names, more...) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return [32]byte{}, err
		}
		h.Write([]byte(name + "\x00" + strconv.Itoa(len(b)) + "\x00"))
		h.Write(b)
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out, nil
}

// encodeModel writes the model in the format above.
func encodeModel(m *model, fp [32]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(zw)
	le := binary.LittleEndian
	w.WriteString(modelMagic)
	w.Write(fp[:])
	binary.Write(w, le, m.temp)
	binary.Write(w, le, uint16(len(m.labels)))
	for _, l := range m.labels {
		binary.Write(w, le, uint16(len(l)))
		w.WriteString(l)
	}
	binary.Write(w, le, m.bias)
	keys := make([]uint32, 0, len(m.index))
	for h := range m.index {
		keys = append(keys, h)
	}
	slices.Sort(keys)
	binary.Write(w, le, uint32(len(keys)))
	k := len(m.labels)
	var prev uint32
	var vb [binary.MaxVarintLen32]byte
	q := make([]int8, k)
	for _, h := range keys {
		w.Write(vb[:binary.PutUvarint(vb[:], uint64(h-prev))])
		prev = h
		row := m.w[int(m.index[h])*k : int(m.index[h])*k+k]
		var top float32
		for _, v := range row {
			top = max(top, float32(math.Abs(float64(v))))
		}
		scale := top / 127
		for c, v := range row {
			if scale > 0 {
				q[c] = int8(math.Round(float64(v / scale)))
			} else {
				q[c] = 0
			}
		}
		binary.Write(w, le, scale)
		binary.Write(w, le, q)
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeModel reads a model written by encodeModel and returns it with its fingerprint.
func decodeModel(b []byte) (*model, [32]byte, error) {
	var fp [32]byte
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fp, fmt.Errorf("model.bin: %w", err)
	}
	r := bufio.NewReader(io.LimitReader(zr, 64<<20))
	le := binary.LittleEndian
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != modelMagic {
		return nil, fp, errors.New("model.bin: not a HeyDoctor triage model")
	}
	m := &model{cfg: defaultModel, index: make(map[uint32]int32)}
	var nl uint16
	if _, err := io.ReadFull(r, fp[:]); err != nil {
		return nil, fp, fmt.Errorf("model.bin: %w", err)
	}
	if err := binary.Read(r, le, &m.temp); err != nil {
		return nil, fp, fmt.Errorf("model.bin: %w", err)
	}
	if err := binary.Read(r, le, &nl); err != nil || nl == 0 || nl > 256 || !(m.temp > 0 && m.temp < 100) {
		return nil, fp, errors.New("model.bin: bad header")
	}
	for range nl {
		var n uint16
		if err := binary.Read(r, le, &n); err != nil || n > 200 {
			return nil, fp, errors.New("model.bin: bad label")
		}
		l := make([]byte, n)
		if _, err := io.ReadFull(r, l); err != nil {
			return nil, fp, fmt.Errorf("model.bin: %w", err)
		}
		m.labels = append(m.labels, string(l))
	}
	k := len(m.labels)
	m.bias = make([]float32, k)
	var rows uint32
	if err := binary.Read(r, le, m.bias); err != nil {
		return nil, fp, fmt.Errorf("model.bin: %w", err)
	}
	if err := binary.Read(r, le, &rows); err != nil || rows > modelBuckets || int(rows)*k > 1<<24 {
		return nil, fp, errors.New("model.bin: bad row count")
	}
	m.w = make([]float32, int(rows)*k)
	q := make([]int8, k)
	var h uint32
	for i := range int(rows) {
		d, err := binary.ReadUvarint(r)
		if err != nil || d > modelBuckets || (i > 0 && d == 0) {
			return nil, fp, errors.New("model.bin: bad row")
		}
		h += uint32(d)
		var scale float32
		if err := binary.Read(r, le, &scale); err != nil {
			return nil, fp, fmt.Errorf("model.bin: %w", err)
		}
		if err := binary.Read(r, le, q); err != nil {
			return nil, fp, fmt.Errorf("model.bin: %w", err)
		}
		for c, v := range q {
			m.w[i*k+c] = float32(v) * scale
		}
		m.index[h] = int32(i)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, fp, errors.New("model.bin: trailing data")
	}
	return m, fp, nil
}

// ModelStale reports whether the embedded weights were trained on other data than the
// engine now holds: run `go generate ./internal/triage/` to retrain them.
func (e *Engine) ModelStale() bool { return e.modelFP != e.dataFP }

// TrainModelFile trains the department model on the engine's data, exactly as the
// embedded weights are made, and returns the model.bin bytes.
func (e *Engine) TrainModelFile() ([]byte, error) {
	return encodeModel(e.trainModel(classLabels(e.trainingRows())), e.dataFP)
}
