"""Pages, a module per noun: load through a selector, validate a form, call a service, render."""
