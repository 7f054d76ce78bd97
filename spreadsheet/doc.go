// Package spreadsheet reads and writes Office Open XML workbooks (.xlsx,
// ECMA-376) and writes CSV, with nothing but the standard library. It does
// no other I/O: callers hand it bytes and a writer.
//
// # Reading
//
// [OpenXLSX] reads a workbook's parts: its sheets (worksheets, visible or
// hidden, in the workbook's order), the shared strings and the cell styles
// that say which numbers are dates. [Workbook.Scan] then streams one sheet
// row by row, so a sheet of 10⁵ rows never sits in memory whole. A cell is
// text, a number, a date (a number whose format is a date format, turned
// into a time from the workbook's 1900 or 1904 date system), a boolean or
// an error (#N/A, #REF!…). A formula is read as the result the program that
// saved the file computed; a formula that was saved without a result is an
// empty cell marked [Cell.Formula], so the caller can refuse it by name
// instead of reading a blank. Both the transitional and the strict
// namespaces are read (elements are matched by local name).
//
// A workbook is untrusted input: every part is read through a limit
// ([MaxPartBytes]) whatever its zip header claims, references beyond
// Excel's grid ([MaxRows], [MaxColumns]) are refused, and any structural
// fault is an error wrapping [ErrXLSX] that names the part, never a cell's
// value.
//
// # Writing
//
// [WriteXLSX] writes [Table]s, one sheet each, with the header row in bold
// and frozen, dates as real dates in the yyyy-mm-dd format and text as
// shared strings; characters XML cannot carry are written in the _xHHHH_
// escape of ECMA-376 Part 1 §22.9.2.19 and read back by [OpenXLSX].
// [WriteCSV] writes a table as RFC 4180 CSV with a chosen delimiter and an
// optional byte order mark (what Excel needs to read UTF-8), and defuses
// text that a spreadsheet would run as a formula (OWASP "CSV injection")
// by prefixing it with an apostrophe.
package spreadsheet
