package i18n

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/message"
)

// Number writes a number as the language does: digit grouping, decimal
// separator and, in Arabic, Arabic-Indic digits. Floats keep up to two
// decimals.
func (p *Printer) Number(v any) string {
	mp := message.NewPrinter(p.lang.Tag())
	switch v := v.(type) {
	case float64:
		if v == float64(int64(v)) {
			return mp.Sprintf("%d", int64(v))
		}
		return strings.TrimRight(strings.TrimRight(mp.Sprintf("%.2f", v), "0٠"), ".,٫")
	case float32:
		return p.Number(float64(v))
	}
	return mp.Sprintf("%d", v)
}

// months are the month names in the genitive, as a date in words uses
// them.
var months = map[Lang][12]string{
	English:   {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	Ukrainian: {"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
	Russian:   {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
	Arabic:    {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
}

// Date writes t's date in words: "4 March 1990", "4 березня 1990 р.",
// "4 марта 1990 г.", "٤ مارس ١٩٩٠".
func (p *Printer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	day, year := p.digits(t.Day()), p.digits(t.Year())
	month := months[p.lang][t.Month()-1]
	switch p.lang {
	case Ukrainian:
		return fmt.Sprintf("%s %s %s р.", day, month, year)
	case Russian:
		return fmt.Sprintf("%s %s %s г.", day, month, year)
	}
	return fmt.Sprintf("%s %s %s", day, month, year)
}

// DateTime writes t's date in words, its time on the 24-hour clock and its
// zone's abbreviation, in t's own zone: "20 June 2024, 10:00 EEST".
func (p *Printer) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	clock := p.digits2(t.Hour()) + ":" + p.digits2(t.Minute())
	zone, _ := t.Zone()
	return fmt.Sprintf("%s, %s %s", p.Date(t), clock, zone)
}

// digits writes a non-negative integer without grouping, in the
// language's digits.
func (p *Printer) digits(n int) string {
	s := fmt.Sprint(n)
	if p.lang != Arabic {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '٠' + (r - '0')
		}
		return r
	}, s)
}

func (p *Printer) digits2(n int) string {
	if n < 10 {
		return p.digits(0) + p.digits(n)
	}
	return p.digits(n)
}
