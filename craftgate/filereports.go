package craftgate

import (
	"context"
	"io"
	"net/http"
	"net/url"
)

// File reporting (https://developer.craftgate.io/en/api/file-reporting):
// the daily transaction and payment report files, and reports on demand.
const (
	PathTransactionReports = "/file-reporting/v1/transaction-reports"
	PathPaymentReports     = "/file-reporting/v1/payment-reports"
	PathReportDemands      = "/file-reporting/v1/report-demands"
	PathReports            = "/file-reporting/v1/reports"
)

// Report file types.
const (
	FileTypeCSV  = "CSV"
	FileTypeXLSX = "XLSX"
)

// ReportDemandRequest is the body of POST /file-reporting/v1/report-demands.
// Dates are yyyy-MM-ddTHH:mm:ss.
type ReportDemandRequest struct {
	StartDate    string `json:"startDate"`
	EndDate      string `json:"endDate"`
	ReportType   string `json:"reportType"`
	ReportPeriod string `json:"reportPeriod,omitempty"`
}

// ReportDemand is a report asked for; download it with DownloadReport.
type ReportDemand struct {
	ID           int64  `json:"id"`
	ReportType   string `json:"reportType"`
	ReportPeriod string `json:"reportPeriod"`
	StartDate    string `json:"startDate"`
	EndDate      string `json:"endDate"`
}

// DemandReport asks for a report over a period.
func (c *Client) DemandReport(ctx context.Context, req *ReportDemandRequest) (*ReportDemand, error) {
	return post[ReportDemand](ctx, c, PathReportDemands, req)
}

// DownloadTransactionReport returns the daily transaction report of
// reportDate (yyyy-MM-dd) as fileType (CSV or XLSX).
func (c *Client) DownloadTransactionReport(ctx context.Context, reportDate, fileType string) ([]byte, error) {
	return c.download(ctx, PathTransactionReports, url.Values{"reportDate": {reportDate}, "fileType": {fileType}})
}

// DownloadPaymentReport returns the daily payment report of reportDate.
func (c *Client) DownloadPaymentReport(ctx context.Context, reportDate, fileType string) ([]byte, error) {
	return c.download(ctx, PathPaymentReports, url.Values{"reportDate": {reportDate}, "fileType": {fileType}})
}

// DownloadReport returns a demanded report as fileType.
func (c *Client) DownloadReport(ctx context.Context, id int64, fileType string) ([]byte, error) {
	return c.download(ctx, idPath(PathReports, id), url.Values{"fileType": {fileType}})
}

// download GETs a file, however large: the raw bytes on success, the
// error envelope as an *Error otherwise.
func (c *Client) download(ctx context.Context, path string, q url.Values) ([]byte, error) {
	status, b, err := c.exchange(ctx, http.MethodGet, path, q, nil, func(resp *http.Response) ([]byte, error) {
		return io.ReadAll(resp.Body)
	})
	if err != nil {
		return nil, err
	}
	if status >= 300 {
		return nil, DecodeResponse(status, b, nil)
	}
	return b, nil
}
