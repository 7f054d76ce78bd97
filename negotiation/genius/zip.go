package genius

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scenario zips: a domain file and its profile files in one archive, as
// GENIUS and NegMAS users exchange them.
//
// # Layouts
//
// LayoutGenius puts the files at the archive's root, named as the ANAC
// scenarios name them: NAME_domain.xml for the domain and PARTY.xml for
// each profile (e.g. EnglandZimbabwe_domain.xml, England.xml,
// Zimbabwe.xml). LayoutNegMAS puts the same files in one folder NAME/, the
// folder NegMAS's Scenario.load and load_genius_domain_from_folder read.
// Names are made safe for every file system (see fileName).
//
// ReadZip reads either layout, and folders written by other tools: the
// XML files at the root or in one folder, the domain found by its root
// element <negotiation_template> and the profiles by <utility_space>, as
// NegMAS finds them; files named *pareto.xml (GENIUS's frontier listings)
// and anything that is not XML (a README, NegMAS's _info.yml) are
// skipped. A profile is named by its file name without ".xml".
//
// # Refused
//
// Every refusal names the file in the archive. An archive that is not a
// zip; more than MaxZipFiles entries; a name that climbs out of the
// archive (an absolute path, a ".." element, a backslash, a drive letter)
// or holds control characters; a link; XML files at more than one folder
// depth or in more than one folder; two files of the same name; a file
// that expands beyond MaxZipFileBytes, or files beyond MaxZipBytes in all
// (read with a limit, whatever the archive's headers claim: a zip bomb
// stops at the limit); no domain file, or two; no profile; and any file
// ParseDomain or ParseProfile refuses.

// The layouts of a scenario zip.
const (
	LayoutGenius = "genius"
	LayoutNegMAS = "negmas"
)

// Limits of ReadZip. A scenario of the ANAC collection has at most a few
// dozen files and a few hundred kilobytes.
const (
	MaxZipFiles     = 256      // entries, folders and skipped files included
	MaxZipFileBytes = 16 << 20 // one file, expanded
	MaxZipBytes     = 64 << 20 // all the files read, expanded
)

// WriteZip writes d and its profiles as a zip in layout (LayoutGenius or
// LayoutNegMAS). The files are named after the domain and the profiles'
// names (see fileName); each profile says in a comment what it could not
// carry (Profile.Omitted).
func WriteZip(out io.Writer, layout string, d *Domain, profiles []*Profile) error {
	dir := ""
	switch layout {
	case LayoutGenius:
	case LayoutNegMAS:
		dir = fileName(d.Name, "scenario") + "/"
	default:
		return fmt.Errorf("genius: unknown zip layout %q (want %s or %s)", layout, LayoutGenius, LayoutNegMAS)
	}
	zw := zip.NewWriter(out)
	if dir != "" {
		if _, err := zw.Create(dir); err != nil {
			return err
		}
	}
	domainFile := dir + fileName(d.Name, "scenario") + "_domain.xml"
	used := map[string]bool{strings.ToLower(domainFile): true}
	w, err := zw.Create(domainFile)
	if err != nil {
		return err
	}
	if err := WriteDomain(w, d); err != nil {
		return err
	}
	for i, p := range profiles {
		base := fileName(p.Name, fmt.Sprintf("profile%d", i+1))
		name := dir + base + ".xml"
		for k := 2; used[strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s%s (%d).xml", dir, base, k)
		}
		used[strings.ToLower(name)] = true
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		if err := WriteProfile(w, d, p); err != nil {
			return err
		}
	}
	return zw.Close()
}

// fileName is name made safe as a file name on every system: the
// characters Windows forbids, control characters and leading dots
// replaced, at most 100 bytes; def when nothing is left.
func fileName(name, def string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(name) {
		switch {
		case unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteByte('_')
		case b.Len()+utf8.RuneLen(r) > 100:
		default:
			b.WriteRune(r)
		}
	}
	s := strings.TrimRight(strings.TrimLeft(b.String(), ". "), ". ")
	if s == "" {
		return def
	}
	return s
}

// ReadZip reads a scenario zip of size bytes from r (see the layouts
// above) and returns its domain and profiles, the profiles in the order of
// their file names. Errors are *Error naming the file in the archive
// ("zip" for the archive itself).
func ReadZip(r io.ReaderAt, size int64) (*Domain, []*Profile, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, errorf("zip", "archive", "not a zip archive: %v", err)
	}
	if len(zr.File) > MaxZipFiles {
		return nil, nil, errorf("zip", "archive", "%d files, more than the %d a scenario may hold", len(zr.File), MaxZipFiles)
	}
	type xmlFile struct {
		name string
		data []byte
	}
	var files []xmlFile
	seen := map[string]bool{}
	folders := map[string]bool{}
	var total int64
	for _, f := range zr.File {
		name := f.Name
		if err := checkZipName(name); err != nil {
			return nil, nil, err
		}
		if seen[name] {
			return nil, nil, errorf(name, "zip", "the archive holds two files of this name")
		}
		seen[name] = true
		if f.Mode().Type()&^fs.ModeDir != 0 {
			return nil, nil, errorf(name, "zip", "a link or special file, not a regular file")
		}
		if strings.HasSuffix(name, "/") || skipped(name) {
			continue
		}
		if f.UncompressedSize64 > MaxZipFileBytes {
			return nil, nil, errorf(name, "zip", "expands to %d bytes, more than %d", f.UncompressedSize64, MaxZipFileBytes)
		}
		data, err := readZipFile(f, MaxZipBytes-total)
		if err != nil {
			return nil, nil, err
		}
		total += int64(len(data))
		folders[path.Dir(name)] = true
		files = append(files, xmlFile{name, data})
	}
	if len(folders) > 1 {
		dirs := make([]string, 0, len(folders))
		for d := range folders {
			dirs = append(dirs, d)
		}
		slices.Sort(dirs)
		return nil, nil, errorf("zip", "archive", "XML files in %d folders (%s): a scenario is one folder", len(dirs), strings.Join(dirs, ", "))
	}
	for d := range folders {
		if strings.Contains(d, "/") {
			return nil, nil, errorf(d, "zip", "a scenario's files lie at the archive's root or in one folder, not deeper")
		}
	}
	slices.SortFunc(files, func(a, b xmlFile) int { return strings.Compare(a.name, b.name) })
	var domainFile string
	var domainData []byte
	var profileFiles []xmlFile
	for _, f := range files {
		root, err := rootElement(f.data)
		if err != nil {
			return nil, nil, errorf(f.name, "xml", "%v: not a GENIUS domain or profile", err)
		}
		switch root {
		case "negotiation_template":
			if domainFile != "" {
				return nil, nil, errorf(f.name, "<negotiation_template>", "a second domain file (the first is %s)", domainFile)
			}
			domainFile, domainData = f.name, f.data
		default:
			// Profiles, and anything else: ParseProfile names what is wrong.
			profileFiles = append(profileFiles, f)
		}
	}
	if domainFile == "" {
		return nil, nil, errorf("zip", "archive", "no domain file (an XML file whose root is <negotiation_template>)")
	}
	if len(profileFiles) == 0 {
		return nil, nil, errorf("zip", "archive", "no profile file (an XML file whose root is <utility_space>) beside the domain %s", domainFile)
	}
	d, err := ParseDomain(bytes.NewReader(domainData), domainFile)
	if err != nil {
		return nil, nil, err
	}
	var ps []*Profile
	for _, f := range profileFiles {
		p, err := ParseProfile(bytes.NewReader(f.data), f.name, d)
		if err != nil {
			return nil, nil, err
		}
		ps = append(ps, p)
	}
	if d.Name == "" || d.Name == "root" {
		d.Name = strings.TrimSuffix(strings.TrimSuffix(path.Base(domainFile), ".xml"), "_domain")
	}
	return d, ps, nil
}

// checkZipName refuses a file name that could leave the archive's folder
// if it were extracted, or that no file system would take.
func checkZipName(name string) error {
	bad := func(why string) error { return errorf(name, "zip", "%s: refused", why) }
	switch {
	case name == "" || !utf8.ValidString(name):
		return bad("an empty or undecodable file name")
	case strings.HasPrefix(name, "/"):
		return bad("an absolute path")
	case strings.Contains(name, `\`):
		return bad("a backslash in a file name")
	case len(name) > 1 && name[1] == ':':
		return bad("a drive letter")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return bad("a control character in a file name")
	}
	for _, part := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if part == ".." || part == "." || part == "" {
			return bad(fmt.Sprintf("the path element %q", part))
		}
	}
	return nil
}

// skipped reports whether ReadZip passes over the file: not XML, a GENIUS
// frontier listing (*pareto.xml), or the resource forks and hidden files
// archivers add.
func skipped(name string) bool {
	base := path.Base(name)
	return !strings.EqualFold(path.Ext(name), ".xml") ||
		strings.HasSuffix(strings.ToLower(base), "pareto.xml") ||
		strings.HasPrefix(base, ".") || strings.HasPrefix(name, "__MACOSX/")
}

// readZipFile reads f whole, at most MaxZipFileBytes and at most budget
// bytes, however large its header says it is.
func readZipFile(f *zip.File, budget int64) ([]byte, error) {
	limit := min(int64(MaxZipFileBytes), budget)
	rc, err := f.Open()
	if err != nil {
		return nil, errorf(f.Name, "zip", "cannot be opened: %v", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, errorf(f.Name, "zip", "cannot be read: %v", err)
	}
	if int64(len(data)) > limit {
		if limit < MaxZipFileBytes {
			return nil, errorf(f.Name, "zip", "the files expand beyond %d bytes in all: refused", MaxZipBytes)
		}
		return nil, errorf(f.Name, "zip", "expands beyond %d bytes: refused", MaxZipFileBytes)
	}
	return data, nil
}

// rootElement is the local name of data's root element.
func rootElement(data []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return "", errors.New("no root element")
		}
		if err != nil {
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, nil
		}
	}
}
