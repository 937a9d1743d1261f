"""Suivi: the stages of a question under the rules of the Règlement, a deputy's questions and quota,
statistics over any set of questions, and answers given many times.

Pure functions and frozen dataclasses, no Qt: the window and the command line are thin layers
over them.  ``rules`` says what stage a question has reached at a date; ``deputies`` lists a
deputy's questions with their stages, counts per month and the session quota; ``stats``
aggregates a search result per ministry, rubrique or year; ``duplicates`` groups questions that
received the same answer.
"""
