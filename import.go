package heydoctor

// ImportBatch is what an importer read from one public-data input.
type ImportBatch struct {
	Format       string
	Scope        string // e.g. "hira:hospital", "nmc:pharmacy"; a full refresh covers exactly this scope
	FullRefresh  bool
	Institutions []Institution
	Holidays     []PublicHoliday
	Read         int
	Rejected     int
}

// ImportStats says what an import changed.
type ImportStats struct {
	Inserted, Updated, Unchanged, Closed int
	Holidays                             int
	// Orphans are partial records (HIRA 세부정보 and 진료과목 rows) whose institution is unknown.
	Orphans int
	// Joined counts records of this source that became part of an institution another
	// source had listed (same place by name and phone or address, within 50 m).
	Joined int
}
