"""Citizens' participation in the web app: citizens' budgets, hearings, voting codes, results."""
