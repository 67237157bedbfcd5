"""Decision records in portable forms: JSON now; Markdown and PDF beside it later."""
