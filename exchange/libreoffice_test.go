package exchange

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-talks/parley/spreadsheet"
)

// TestReadListLibreOffice has LibreOffice, when PARLEY_TEST_LIBREOFFICE
// names its soffice, save a list again as .xlsx and as CSV — its own
// shared strings, date styles and quoting — and reads both back.
func TestReadListLibreOffice(t *testing.T) {
	soffice := os.Getenv("PARLEY_TEST_LIBREOFFICE")
	if soffice == "" {
		t.Skip("set PARLEY_TEST_LIBREOFFICE=/usr/bin/soffice (apt-get install libreoffice-calc-nogui) to read files LibreOffice writes")
	}
	ps := sampleList(append(append([]string{}, ukrainianNames...), latinNames...))
	ps[0].NextOfKin = "=1+1 & <x>"
	dir := t.TempDir()
	var b bytes.Buffer
	if err := spreadsheet.WriteXLSX(&b, PersonsTable("Список", ps)); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "list.xlsx")
	os.WriteFile(src, b.Bytes(), 0o600)
	for _, conv := range []struct{ filter, out string }{
		{"xlsx:Calc MS Excel 2007 XML", "xlsx"},
		{"csv:Text - txt - csv (StarCalc):59,34,76", "csv"}, // semicolons, UTF-8
	} {
		outDir := filepath.Join(dir, conv.out)
		cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+dir+"/profile", "--convert-to", conv.filter, "--outdir", outDir, src)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, out)
		}
		data, err := os.ReadFile(filepath.Join(outDir, "list."+conv.out))
		if err != nil {
			t.Fatalf("LibreOffice wrote no %s: %v", conv.out, err)
		}
		l, err := ReadList(data, "", today)
		if err != nil {
			t.Fatalf("%s: %v", conv.out, err)
		}
		if d := cmp.Diff(ps, l.Persons); d != "" || len(l.Rejections) > 0 {
			t.Errorf("%s written by LibreOffice: rejections %v, persons (-want +got):\n%s", conv.out, l.Rejections, d)
		}
	}
}
