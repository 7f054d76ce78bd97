// Package i18n translates Parley's words and formats numbers and dates in
// the reader's language: English, Ukrainian, Russian and Arabic (written
// right to left).
//
// # Messages
//
// A message's key is its English text, as the code writes it:
//
//	p.T("Status history")
//	p.T("Imported {count} persons from {file}", "count", 12, "file", name)
//	p.N(n, "{n} person", "{n} persons")
//
// so English needs no catalog and a message with no translation falls
// back to English — a reader never sees a key. A key that needs a context
// to translate ("open" the verb against "open" the status) is written
// "context::text"; the context is not shown. Placeholders are named in
// braces and filled from name–value pairs; numbers are formatted for the
// language. Values are plain text: escaping is the caller's (html/template
// does it).
//
// The catalogs of the other languages are JSON files in locales/, embedded
// in the binary: each maps an English key to its translation, or, for a
// plural message (keyed by its English "other" form), to an object of the
// CLDR plural forms the language needs (Ukrainian and Russian: one, few,
// many, other; Arabic: zero, one, two, few, many, other). [Check] reports
// a catalog's faults (a placeholder the English lacks or drops, a missing
// plural form); tools/i18ncheck lists the messages the code uses that a
// catalog lacks.
//
// # Numbers and dates
//
// [Printer.Number] groups digits as the language does (1,234.5; 1 234,5;
// ١٬٢٣٤٫٥); [Printer.Date] writes a date in words (4 March 1990;
// 4 березня 1990 р.; 4 марта 1990 г.), never in an order a reader could
// mistake; [Printer.DateTime] adds the time on the 24-hour clock and the
// zone's abbreviation.
package i18n
