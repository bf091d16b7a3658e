"""How extract finds commitment pages. Each method is one module here:

- ``sitemaps``: robots.txt ``Sitemap:`` lines and configured sitemaps, with ``lastmod``;
- ``links``: the link crawl from the start pages (member listing, member pages, commitment
  pages' own member lists);
- ``seeds``: a seed file of commitment URLs or ``member-slug,ID`` lines;
- ``probe``: HEAD requests for the IDs past the highest known one of each member.

Every method offers what it finds to the ``frontier``, which folds URLs to canonical form,
keeps the run in scope (``--only``) and deduplicates. Adding a method: a module here with its
step function, a task kind in ``extract/tasks.py``, its step in ``extract/crawl.py`` (``STEPS``
and the phase it runs in), and a switch in ``pipeline/config.py`` (``FetchConfig``) and
``pipeline/cli/options.py``.
"""
