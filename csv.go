package unionbot

// SafeCSVCell neutralises a cell a spreadsheet would run as a formula: one
// that begins with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe (OWASP's CSV-injection guidance). Names, departments and
// answers that teachers typed go through it in every CSV the bot writes.
func SafeCSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// SafeCSVRow is SafeCSVCell on every cell of row.
func SafeCSVRow(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = SafeCSVCell(c)
	}
	return out
}

// PlainCSVCell undoes SafeCSVCell when a file the bot wrote is read back.
func PlainCSVCell(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r':
			return s[1:]
		}
	}
	return s
}
