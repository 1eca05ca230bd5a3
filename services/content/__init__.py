"""What learners read and answer: the schemas of topics and surveys, the loader of the bundled
files, import/export, version diffs and guards, browser authoring, lesson media, localisation and
who may see which item.
"""
