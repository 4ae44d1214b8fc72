"""PromptStore: the store's public operations, each in its own transaction."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from prompt_store import finder, versions
from prompt_store import history as version_history
from prompt_store import reindex as reindexing
from prompt_store import validation as check
from prompt_store.defaults import DEFAULT_PROMPTS
from prompt_store.embeddings import resolve_model
from prompt_store.exceptions import PromptAlreadyExists
from prompt_store.models import Prompt
from prompt_store.schemas import (
    ActivePrompt,
    AuditEvent,
    PromptDiff,
    PromptInfo,
    SearchHit,
    SearchMode,
    VersionInfo,
)
from prompt_store.user_prompt_store import UserPromptOperations


class PromptStore(UserPromptOperations):
    """Versions, rollback, search and lineage over one database (construction: see `StoreBase`)."""

    # -- versions -------------------------------------------------------------------------------------
    def add_prompt(
        self,
        name: str,
        text: str,
        *,
        prompt_type: str = "system",
        parameters: str | dict[str, Any] | None = None,
        tags: list[str] | None = None,
        author: str = "cli",
        message: str = "created",
    ) -> VersionInfo:
        """Create a prompt; its first version is active."""
        check.check_name(name)
        check.check_type(prompt_type)
        check.check_text(text)
        params, tag_list = check.parse_parameters(parameters), check.check_tags(tags)
        check.check_actor(author)
        check.check_message(message)
        embeddings = self._embed_one(text)
        with self.session() as s:
            created = versions.create_prompt(
                session=s,
                name=name,
                prompt_type=prompt_type,
                text=text,
                parameters=params,
                tags=tag_list,
                author=author,
                message=message,
                embeddings=embeddings,
            )
        self._cache.invalidate(name)
        return created

    def commit(
        self,
        name: str,
        text: str,
        *,
        parameters: str | dict[str, Any] | None = None,
        author: str = "cli",
        message: str = "",
    ) -> VersionInfo:
        """Add the next version and make it active; `parameters=None` keeps the current ones."""
        params = None if parameters is None else check.parse_parameters(parameters)
        check.check_name(name)
        check.check_text(text)
        check.check_actor(author)
        check.check_message(message)
        embedding = self.embedder().embed([text])[0]  # computed before any lock; see versions.commit_version
        with self.driver_connection() as conn:
            committed = versions.commit_version(
                connection=conn,
                name=name,
                text=text,
                parameters=params,
                author=author,
                message=message,
                model=self.model,
                embedding=embedding,
            )
        self._cache.invalidate(name)
        return committed

    def rollback(self, name: str, to_version: int, *, actor: str = "cli", reason: str = "") -> AuditEvent:
        """Make an existing version active again (audited); versions are never rewritten."""
        check.check_actor(actor)
        check.check_message(reason)
        with self.session() as s:
            event = versions.rollback(session=s, name=name, to_version=to_version, actor=actor, reason=reason)
        self._cache.invalidate(name)
        return event

    def get_active_prompt(self, name: str) -> ActivePrompt:
        """The active version of `name`, cached for `prompt_cache_ttl_s` (dropped on local writes)."""
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        with self.autocommit() as s:
            active = version_history.active_prompt(name, session=s)
        self._cache.put(name, active)
        return active

    def show(self, name: str, version: int | None = None) -> VersionInfo:
        with self.autocommit() as s:
            return version_history.show(name, session=s, version=version)

    def history(self, name: str) -> list[VersionInfo]:
        with self.autocommit() as s:
            return version_history.history(name, session=s)

    def audit_log(self, name: str) -> list[AuditEvent]:
        with self.autocommit() as s:
            return version_history.audit_log(name, session=s)

    def diff(self, name: str, from_version: int, to_version: int) -> PromptDiff:
        with self.autocommit() as s:
            return version_history.diff(name, from_version, to_version, session=s)

    def list_prompts(self, *, prompt_type: str | None = None, tag: str | None = None) -> list[PromptInfo]:
        with self.autocommit() as s:
            return version_history.list_prompts(session=s, prompt_type=prompt_type, tag=tag)

    def ensure_default_prompts(self) -> list[str]:
        """Create the built-in prompts that are missing; returns the names created."""
        with self.autocommit() as s:
            missing = [d for d in DEFAULT_PROMPTS if not _exists(s, d.name)]
        created = []
        for default in missing:
            try:
                self.add_prompt(
                    default.name,
                    default.text,
                    prompt_type=default.type,
                    parameters=default.parameters,
                    tags=list(default.tags),
                    author="system",
                    message="default prompt",
                )
                created.append(default.name)
            except PromptAlreadyExists:  # another process seeded it first
                pass
        self._update_untouched_defaults()
        return created

    def _update_untouched_defaults(self) -> None:
        """A default still at its only version, an earlier release's text, gets the current text as version 2
        (audited like any commit). A prompt with any commit or rollback of its own is left alone."""
        for default in DEFAULT_PROMPTS:
            active = self.get_active_prompt(default.name)
            if active.text in default.earlier_texts and len(self.history(default.name)) == 1:
                self.commit(default.name, default.text, author="system", message="default prompt updated")

    # -- search ---------------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        mode: SearchMode = "hybrid",
        k: int = 10,
        prompt_type: str | None = None,
        tags: list[str] | None = None,
        model: str | None = None,
        all_versions: bool = False,
    ) -> list[SearchHit]:
        """The k best prompts (their best-matching version each) by meaning, words and name; see `finder`.

        `all_versions=True` ranks versions instead, several per prompt. Raises UnknownSearchMode (a ValueError)
        for a mode not in SEARCH_MODES and InvalidPromptInput for an empty or oversize query.
        """
        request = finder.check_request(
            finder.SearchRequest(
                query=query, mode=mode, k=k, prompt_type=prompt_type, tags=tags, all_versions=all_versions
            )
        )
        model = resolve_model(model or self.model, self.settings)
        embedder = self.embedder(model)
        return finder.run(request, session_factory=self.autocommit, embed=lambda q: embedder.embed([q])[0], model=model)

    def reindex(self, model: str | None = None) -> int:
        """(Re-)embed every version and user prompt with `model`; returns how many rows were written."""
        return reindexing.reindex(self.session, self.embedder(model))


def _exists(session: Session, name: str) -> bool:
    return session.scalars(select(Prompt.id).where(Prompt.name == name)).first() is not None
