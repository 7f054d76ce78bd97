package calendar

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the tests, whatever the machine has
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// property is one parsed content line.
type property struct {
	name   string
	params map[string]string
	value  string
}

// parse reads an iCalendar file the way a calendar program does: it checks
// the line ends and lengths, unfolds, and splits each line into name,
// parameters and value.
func parse(t *testing.T, data []byte) []property {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Fatal("the file does not end in CRLF")
	}
	var lines []string
	for i, raw := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
		if strings.ContainsAny(raw, "\r\n") {
			t.Fatalf("line %d holds a bare CR or LF", i+1)
		}
		if len(raw) > maxLine {
			t.Fatalf("line %d is %d octets", i+1, len(raw))
		}
		if !utf8.ValidString(raw) {
			t.Fatalf("line %d splits a UTF-8 sequence", i+1)
		}
		if strings.HasPrefix(raw, " ") {
			lines[len(lines)-1] += raw[1:]
			continue
		}
		lines = append(lines, raw)
	}
	var out []property
	for _, line := range lines {
		// The value starts at the first colon outside a quoted parameter.
		quoted, colon := false, -1
		for i, r := range line {
			if r == '"' {
				quoted = !quoted
			}
			if r == ':' && !quoted {
				colon = i
				break
			}
		}
		if colon < 0 {
			t.Fatalf("no colon in %q", line)
		}
		parts := strings.Split(line[:colon], ";")
		p := property{name: parts[0], params: map[string]string{}, value: line[colon+1:]}
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.params[k] = strings.Trim(v, `"`)
		}
		out = append(out, p)
	}
	return out
}

// unescape reads a TEXT value.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func kyiv(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestWriteEvent(t *testing.T) {
	loc := kyiv(t)
	long := strings.Repeat("Переговори щодо обміну; ", 8)
	c := Calendar{Name: "Parley: мої зустрічі", Refresh: time.Hour, Events: []Event{{
		UID:         UID("meeting", 42, "parley.example"),
		Sequence:    3,
		Start:       time.Date(2024, 6, 20, 7, 0, 0, 0, time.UTC), // 10:00 in Kyiv (EEST)
		End:         time.Date(2024, 6, 20, 9, 30, 0, 0, time.UTC),
		Zone:        loc,
		Summary:     "Caucus, UA \\ RU; round 2",
		Location:    "Hotel, Room 1\nKyiv",
		Description: long + "\r\nsecond line\x01",
		URL:         "https://parley.example/meetings/42",
		Status:      StatusConfirmed,
		Updated:     time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
		Categories:  []string{"caucus", "a,b"},
	}}}
	var buf bytes.Buffer
	if err := Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	props := parse(t, buf.Bytes())
	get := func(name string) property { // the last: the event's, after the VTIMEZONE
		for i := len(props) - 1; i >= 0; i-- {
			if props[i].name == name {
				return props[i]
			}
		}
		t.Fatalf("no %s", name)
		return property{}
	}
	for _, tc := range []struct{ name, want string }{
		{"UID", "meeting-42@parley.example"},
		{"DTSTAMP", "20240601T120000Z"},
		{"LAST-MODIFIED", "20240601T120000Z"},
		{"DTSTART", "20240620T100000"},
		{"DTEND", "20240620T123000"},
		{"SEQUENCE", "3"},
		{"STATUS", "CONFIRMED"},
		{"URL", "https://parley.example/meetings/42"},
		{"CATEGORIES", `caucus,a\,b`},
		{"REFRESH-INTERVAL", "PT1H"},
	} {
		if got := get(tc.name).value; got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, got, tc.want)
		}
	}
	if z := get("DTSTART").params["TZID"]; z != "Europe/Kyiv" {
		t.Errorf("DTSTART TZID = %q", z)
	}
	for name, want := range map[string]string{
		"SUMMARY": "Caucus, UA \\ RU; round 2", "LOCATION": "Hotel, Room 1\nKyiv",
		"DESCRIPTION": long + "\nsecond line", "X-WR-CALNAME": "Parley: мої зустрічі",
	} {
		if got := unescape(get(name).value); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if get("TZID").value != "Europe/Kyiv" {
		t.Error("no VTIMEZONE for Europe/Kyiv")
	}
	var again bytes.Buffer
	Write(&again, c)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("the same calendar made different bytes")
	}
}

func TestWriteUTCAndRefusals(t *testing.T) {
	var buf bytes.Buffer
	start := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := Write(&buf, Calendar{Events: []Event{{UID: "x", Start: start}}}); err != nil {
		t.Fatal(err)
	}
	props := parse(t, buf.Bytes())
	names := []string{}
	for _, p := range props {
		names = append(names, p.name+":"+p.value)
	}
	want := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Parley//Parley//EN", "CALSCALE:GREGORIAN",
		"BEGIN:VEVENT", "UID:x", "DTSTAMP:20240102T030405Z", "DTSTART:20240102T030405Z", "END:VEVENT", "END:VCALENDAR"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
	for _, e := range []Event{{Start: start}, {UID: "x"}, {UID: "x", Start: start, End: start.Add(-time.Second)}} {
		if err := Write(&buf, Calendar{Events: []Event{e}}); err == nil {
			t.Errorf("event %+v was written", e)
		}
	}
}

// TestTimezones rebuilds each zone's offset at every hour from the
// VTIMEZONE written and compares it with Go's zone database.
func TestTimezones(t *testing.T) {
	for _, tc := range []struct {
		zone       string
		start, end time.Time
	}{
		{"Europe/Kyiv", time.Date(2024, 6, 20, 7, 0, 0, 0, time.UTC), time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)},
		{"Europe/Moscow", time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)}, // the rules changed in 2011 and 2014
		{"America/New_York", time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"Asia/Qatar", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},          // no changes
		{"Australia/Lord_Howe", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, // half-hour DST
		{"Asia/Kathmandu", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},      // +05:45
		{"Europe/Dublin", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},       // "negative" DST
	} {
		t.Run(tc.zone, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			Write(&buf, Calendar{Events: []Event{{UID: "a", Start: tc.start, Zone: loc}, {UID: "b", Start: tc.end, Zone: loc}}})
			type obs struct {
				start  time.Time
				offset int
			}
			var list []obs
			var local string
			var from int
			for _, p := range parse(t, buf.Bytes()) {
				switch p.name {
				case "DTSTART":
					if _, ok := p.params["TZID"]; !ok {
						local = p.value
					}
				case "TZOFFSETFROM":
					from = parseOffset(t, p.value)
				case "TZOFFSETTO":
					l, err := time.Parse("20060102T150405", local)
					if err != nil {
						t.Fatal(err)
					}
					list = append(list, obs{l.Add(-time.Duration(from) * time.Second), parseOffset(t, p.value)})
				}
			}
			if len(list) == 0 {
				t.Fatal("no observances")
			}
			first := time.Date(tc.start.In(loc).Year()-1, 1, 1, 0, 0, 0, 0, loc)
			last := time.Date(tc.end.In(loc).Year()+2, 1, 1, 0, 0, 0, 0, loc)
			for at := first; at.Before(last); at = at.Add(time.Hour) {
				got := -1 << 30
				for _, o := range list {
					if !o.start.After(at) {
						got = o.offset
					}
				}
				if _, want := at.In(loc).Zone(); got != want {
					t.Fatalf("%v: offset %d from the VTIMEZONE, %d from Go", at.UTC(), got, want)
				}
			}
		})
	}
}

func parseOffset(t *testing.T, s string) int {
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	n := func(i int) int {
		v, err := strconv.Atoi(s[i : i+2])
		if err != nil {
			t.Fatalf("offset %q", s)
		}
		return v
	}
	sec := n(1)*3600 + n(3)*60
	if len(s) == 7 {
		sec += n(5)
	}
	return sign * sec
}

func TestDurationAndOffset(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "PT0S", time.Hour: "PT1H", 90 * time.Minute: "PT1H30M", 25*time.Hour + time.Second: "P1DT1H1S", 48 * time.Hour: "P2D"} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
	for s, want := range map[int]string{0: "+0000", 7200: "+0200", -18000: "-0500", 20700: "+0545", -3*3600 - 1: "-030001"} {
		if got := utcOffset(s); got != want {
			t.Errorf("utcOffset(%d) = %q, want %q", s, got, want)
		}
	}
}

// TestFolding folds lines of every length around the limit, with
// multi-byte letters at every position of the cut.
func TestFolding(t *testing.T) {
	for n := 60; n <= 240; n++ {
		for _, unit := range []string{"a", "ї", "😀"} {
			s := strings.Repeat(unit, n/len(unit)+1)[:n-n%len(unit)]
			var buf bytes.Buffer
			Write(&buf, Calendar{Events: []Event{{UID: "u", Start: time.Unix(0, 0), Summary: s}}})
			for _, p := range parse(t, buf.Bytes()) {
				if p.name == "SUMMARY" && unescape(p.value) != s {
					t.Fatalf("%d × %q: read back %q", n, unit, p.value)
				}
			}
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("Caucus; UA, RU \\ n\r\nline")
	f.Add(strings.Repeat("ї", 100))
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		if err := Write(&buf, Calendar{Events: []Event{{UID: s + "x", Start: time.Unix(0, 0), Summary: s, Location: s}}}); err != nil {
			t.Fatal(err)
		}
		want := strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
				return -1
			}
			return r
		}, strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n"))
		for _, p := range parse(t, buf.Bytes()) {
			if p.name == "SUMMARY" && unescape(p.value) != want {
				t.Fatalf("SUMMARY %q read back as %q, want %q", s, unescape(p.value), want)
			}
		}
	})
}
