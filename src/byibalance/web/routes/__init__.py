"""One module per resource: auth, overview, population, economy, ambitions, scenarios,
users, api."""
