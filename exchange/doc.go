// Package exchange matches and reconciles the lists of persons that two
// sides put forward for a prisoner exchange. It does no I/O: the store seals
// and keeps the lists; this package only compares them.
//
// # Persons
//
// A [Person] carries the fields of the Third Geneva Convention's art. 122
// capture card: the name in its original script and its transliteration,
// the date of birth, the rank and service number or civilian status, the
// place and date of capture, and the next of kin. All of it is personal data
// that the caller must keep sealed; no error of this package quotes a value.
//
// # Name keys
//
// The two sides write the same person differently: in Ukrainian or Russian
// Cyrillic, in one of several Latin transliterations (Олег → Oleh, Oleg;
// Юрій → Yurii, Yuriy, Iurii; Щербак → Shcherbak, Ščerbak), in either name
// order, and with typing errors; and lists hold persons of other peoples
// (Öztürk, Müller, გიორგი ბერიძე). [Key] folds every variant to one
// skeleton: letters of Cyrillic, Greek, Georgian, Armenian, Arabic and
// Hebrew are transliterated by table; any other letter is decomposed
// (Unicode NFD, so é, ü, ø… lose their marks, whatever the language) and,
// when it has no Latin base, kept as it is — no letter is ever dropped, so
// names in any script still compare. Latin digraphs are then collapsed
// (shch → s, kh → h, zh → z, ts → c, ya/ia/ja → a, ou → u, …), the letter
// pairs the languages split (г/h/g, и/і/ы/y/i, е/є/э) are merged, doubled
// letters are collapsed, and the name's tokens are sorted so order does
// not matter.
//
// # Matching
//
// [Match] compares two lists in three steps:
//
//  1. Blocking: only persons sharing a date of birth, or sharing the birth
//     year and the first two letters of their key, are compared, so the
//     cost is about n·b comparisons for blocks of size b instead of n².
//  2. Scoring: the similarity of two keys is 1 − d/max(|a|,|b|), d the
//     Levenshtein distance in letters (Levenshtein 1966), computed in
//     O(|a|·|b|) with one row of memory; a person with both an original
//     name and a transliteration is compared through the better of the
//     two; a differing date of birth costs [DatePenalty].
//  3. Assignment: candidate pairs at or above [Threshold] are taken greedily
//     by descending score, each person at most once, so the result is a
//     one-to-one matching that the mediator then confirms.
//
// [Reconcile] takes the confirmed matches and names exactly the persons that
// explain the difference between the two sides' counts;
// [Reconciliation.Handover] does the same for the persons each list
// records as handed over, and says whether the handover met its terms.
//
// # Files
//
// [ReadList] reads one side's list as the sides keep them — CSV in the
// encodings and with the delimiters of the region, or an .xlsx workbook —
// with headers in English, Ukrainian or Russian, and reports every
// rejected row with its row number, field and reason; the caller stores
// the list only if no row was rejected. [PersonsTable],
// [ReconciliationTable], [MatchesTable] and [RejectionsTable] lay lists
// out for package spreadsheet to write as CSV or .xlsx. [ParseCSV] is the
// older reader of UTF-8 CSV with the nine English headers only.
package exchange
