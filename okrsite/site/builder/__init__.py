"""The build: settings, the engines that turn each quarter's docs into its site, and the caches."""
