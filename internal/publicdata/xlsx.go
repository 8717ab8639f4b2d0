package publicdata

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// parseXLSX reads the first worksheet of a HIRA bulk workbook (recent releases ship XLSX
// instead of CP949 CSV) through the same header aliases and row rules as the CSV files.
// Cells are read raw: times and postcodes come as numbers (900, 3181) and are padded by
// the same helpers; 개설일자 is an Excel serial and is not imported.
func (p parser) parseXLSX(data []byte, res *Result) error {
	if IsRelease(bytes.NewReader(data), int64(len(data))) {
		return errors.New("this ZIP is not a workbook but a set of tables, such as HIRA's bulk release: import the file itself (ReadRelease)")
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		// A ZIP bomb must not expand without bound; a real 80,000-row sheet is ~100 MB.
		UnzipSizeLimit:    1 << 30,
		UnzipXMLSizeLimit: 16 << 20,
	})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) == 0 {
		return errors.New("xlsx: workbook has no sheet")
	}
	rows, err := wb.Rows(sheets[0])
	if err != nil {
		return fmt.Errorf("xlsx: sheet %q: %w", sheets[0], err)
	}
	defer rows.Close()
	src := &xlsxSource{rows: rows}
	header, _, err := src.Next()
	if err == io.EOF {
		return fmt.Errorf("xlsx: sheet %q is empty", sheets[0])
	}
	if err != nil {
		return err
	}
	if res.Format == FormatHIRAXLSX {
		cols, err := mapHeader(header)
		if err != nil {
			return err
		}
		csvFormat, err := tableFormat(cols)
		if err != nil {
			return err
		}
		switch csvFormat {
		case FormatHIRAHospitalCSV:
			res.Format = FormatHIRAHospitalXLSX
		case FormatHIRAPharmacyCSV:
			res.Format = FormatHIRAPharmacyXLSX
		case FormatHIRADeptCSV:
			res.Format = FormatHIRADeptXLSX
		case FormatHIRADetailCSV:
			res.Format = FormatHIRADetailXLSX
		default:
			return fmt.Errorf("xlsx: %s is not a HIRA table", csvFormat)
		}
	}
	return p.parseTable(header, src, true, res)
}

type xlsxSource struct {
	rows *excelize.Rows
	line int
}

func (s *xlsxSource) Next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, fmt.Errorf("xlsx: %w", err)
		}
		return nil, 0, io.EOF
	}
	s.line++
	rec, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, s.line, &rowError{s.line, err}
	}
	return rec, s.line, nil
}
