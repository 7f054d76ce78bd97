package calendar

import (
	"fmt"
	"time"
)

// transition is an instant where a zone's offset or abbreviation changes.
type transition struct {
	at         time.Time // UTC
	fromOffset int       // seconds east of UTC before
	toOffset   int       // and after
	name       string    // the abbreviation after
	dst        bool      // daylight saving time after
}

// transitions lists the changes of loc between from and to, found by
// stepping a day at a time and bisecting each change to the second: at
// most 366·years steps and 17 bisections per change. No zone changes
// twice within a day.
func transitions(loc *time.Location, from, to time.Time) []transition {
	var out []transition
	prev := from
	for t := from.Add(24 * time.Hour); !prev.After(to); t = t.Add(24 * time.Hour) {
		if sameZone(prev.In(loc), t.In(loc)) {
			prev = t
			continue
		}
		lo, hi := prev, t // the change lies in (lo, hi]
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
			if mid.Equal(lo) {
				mid = lo.Add(time.Second)
			}
			if sameZone(lo.In(loc), mid.In(loc)) {
				lo = mid
			} else {
				hi = mid
			}
		}
		_, before := lo.In(loc).Zone()
		name, after := hi.In(loc).Zone()
		out = append(out, transition{at: hi.UTC(), fromOffset: before, toOffset: after, name: name, dst: hi.In(loc).IsDST()})
		prev = t
	}
	return out
}

func sameZone(a, b time.Time) bool {
	an, ao := a.Zone()
	bn, bo := b.Zone()
	return an == bn && ao == bo && a.IsDST() == b.IsDST()
}

// writeTimezone writes the VTIMEZONE of loc covering from..to: the
// observance in force on 1 January of the year before from, then each
// change until the end of the year after to (§3.6.5). An observance's
// DTSTART is the local time at its start in the offset before it.
func writeTimezone(l *lineWriter, loc *time.Location, from, to time.Time) {
	start := time.Date(from.In(loc).Year()-1, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(to.In(loc).Year()+2, 1, 1, 0, 0, 0, 0, loc)
	l.line("BEGIN:VTIMEZONE")
	l.prop("TZID", nil, loc.String())
	name, offset := start.Zone()
	observance(l, transition{at: start.UTC(), fromOffset: offset, toOffset: offset, name: name, dst: start.IsDST()})
	for _, t := range transitions(loc, start.UTC(), end.UTC()) {
		observance(l, t)
	}
	l.line("END:VTIMEZONE")
}

func observance(l *lineWriter, t transition) {
	kind := "STANDARD"
	if t.dst {
		kind = "DAYLIGHT"
	}
	l.line("BEGIN:" + kind)
	local := t.at.Add(time.Duration(t.fromOffset) * time.Second)
	l.prop("DTSTART", nil, local.Format("20060102T150405"))
	l.prop("TZOFFSETFROM", nil, utcOffset(t.fromOffset))
	l.prop("TZOFFSETTO", nil, utcOffset(t.toOffset))
	if t.name != "" {
		l.prop("TZNAME", nil, escapeText(t.name))
	}
	l.line("END:" + kind)
}

// utcOffset is a UTC-OFFSET value (§3.3.14): ±hhmm, or ±hhmmss when the
// offset has seconds. "-0000" is not allowed; zero is "+0000".
func utcOffset(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	h, m, s := seconds/3600, seconds%3600/60, seconds%60
	if s != 0 {
		return fmt.Sprintf("%s%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%s%02d%02d", sign, h, m)
}
