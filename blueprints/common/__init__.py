"""View helpers every blueprint may use: access guards, date ranges from the query string, form
fields, the client's address for the audit log. Nothing here owns a route."""
