"""The product's pictures as SVG: a workflow's profile chart, the history's bars."""
