package api

import (
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/route"
)

// scenarioUpload documents the multipart/form-data body of an import: one
// GENIUS domain file, one profile file per party (named by the file name
// without extension) and an optional title.
type scenarioUpload struct {
	Title   string   `json:"title,omitempty"`
	Domain  string   `json:"domain" media:"application/xml"`
	Profile []string `json:"profile" media:"application/xml"`
}

// readImport reads the body of an import: JSON, or multipart/form-data.
func readImport(r *http.Request) (*action.ScenarioFiles, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		var in action.ScenarioFiles
		if err := decode(r, &in); err != nil {
			return nil, err
		}
		return &in, nil
	}
	if err := r.ParseMultipartForm(limits.MaxRequestBodyBytes); err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return nil, err
		}
		return nil, parley.Errorf(parley.EINVALID, "", "the multipart body cannot be read: %v", err)
	}
	in := &action.ScenarioFiles{Format: "genius", Title: r.FormValue("title")}
	read := func(field string) ([]action.GeniusFile, error) {
		var out []action.GeniusFile
		for _, fh := range r.MultipartForm.File[field] {
			f, err := fh.Open()
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, err
			}
			name := strings.TrimSuffix(path.Base(fh.Filename), path.Ext(fh.Filename))
			out = append(out, action.GeniusFile{Name: name, XML: string(b)})
		}
		return out, nil
	}
	domains, err := read("domain")
	if err != nil {
		return nil, err
	}
	if len(domains) != 1 {
		return nil, parley.Errorf(parley.EINVALID, "domain", "send exactly one domain file, not %d", len(domains))
	}
	in.Domain = domains[0].XML
	if in.Profiles, err = read("profile"); err != nil {
		return nil, err
	}
	return in, nil
}

// readZipBody reads a request body sent as a zip (the route's MaxBody
// bounds it: a larger one is a *http.MaxBytesError, 413).
func readZipBody(r *http.Request) ([]byte, bool, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != export.ZIP.MediaType() {
		return nil, false, nil
	}
	data, err := io.ReadAll(r.Body)
	return data, true, err
}

// exportScenarioZip answers the track's scenario as a zip of GENIUS files
// with the profiles the caller may export.
func (a *API) exportScenarioZip(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	z, err := a.actions.ExportScenarioZip(r.Context(), id, r.URL.Query().Get("layout"))
	if err != nil {
		return err
	}
	return export.Send(w, strings.TrimSuffix(z.FileName, ".zip"), export.ZIP, export.Language(r, a.languages()), func(out io.Writer) error {
		_, err := out.Write(z.Data)
		return err
	})
}

// putScenarioZip stores the profiles of a zip of GENIUS files, or of a
// JSON body as the import takes it, on the track.
func (a *API) putScenarioZip(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	data, isZip, err := readZipBody(r)
	if err != nil {
		return err
	}
	var out []action.StoredProfile
	if isZip {
		out, err = a.actions.PutScenarioZip(r.Context(), id, data)
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, limits.MaxRequestBodyBytes)
		var in action.ScenarioFiles
		if err := decode(r, &in); err != nil {
			return err
		}
		out, err = a.actions.PutScenario(r.Context(), id, &in)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
