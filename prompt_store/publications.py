"""The Postgres publication ledger: UNIQUE (target, video_sha256), claims by advisory lock, upload sessions.

Implements `services.publish.ledger.PublicationLedger`. Each call runs in its own short transaction; `hold`
keeps one pooled connection for the length of an upload, holding a session-level advisory lock that the
server also releases if this process dies. An unfinished upload's session lives in `upload_sessions`
(migration 0007) until `record` deletes it, in the same transaction as the publication's insert.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from prompt_store.models import PublicationRow
from services.exceptions import PublishError
from services.models import Publication
from services.publish.ledger import UploadSession

_KEY = "target = :target AND video_sha256 = :sha"


def claim_key(target: str, video_sha256: str) -> int:
    """A signed 64-bit advisory-lock key for one (target, video)."""
    digest = hashlib.sha256(f"publication:{target}:{video_sha256}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresLedger:
    """Publications recorded in the prompt store's database."""

    def __init__(self, engine: Engine, *, claim_timeout_s: float = 3600.0) -> None:
        self.engine = engine
        self.claim_timeout_s = claim_timeout_s

    def find(self, target: str, video_sha256: str) -> Publication | None:
        with Session(self.engine) as session:
            row = session.scalar(
                select(PublicationRow).where(
                    PublicationRow.target == target, PublicationRow.video_sha256 == video_sha256
                )
            )
            return row.to_publication() if row is not None else None

    def record(self, publication: Publication) -> Publication:
        """Insert unless (target, hash) is recorded; the first record wins and is returned."""
        values = publication.model_dump(include={"target", "video_sha256", "external_id", "url"})
        statement = (
            insert(PublicationRow).values(**values).on_conflict_do_nothing(constraint="uq_publications_target_video")
        )
        with Session(self.engine) as session, session.begin():
            session.execute(statement)
            session.execute(
                text(f"DELETE FROM upload_sessions WHERE {_KEY}"),
                {"target": publication.target, "sha": publication.video_sha256},
            )
        recorded = self.find(publication.target, publication.video_sha256)
        assert recorded is not None  # rows are never deleted by this code
        return recorded

    def session(self, target: str, video_sha256: str) -> UploadSession | None:
        query = text(f"SELECT session_uri, total_bytes, acknowledged_bytes FROM upload_sessions WHERE {_KEY}")
        with self.engine.connect() as conn:
            row = conn.execute(query, {"target": target, "sha": video_sha256}).first()
        return None if row is None else UploadSession(uri=row[0], total=row[1], acknowledged=row[2])

    def save_session(self, target: str, video_sha256: str, session: UploadSession) -> None:
        statement = text(
            "INSERT INTO upload_sessions (target, video_sha256, session_uri, total_bytes, acknowledged_bytes) "
            "VALUES (:target, :sha, :uri, :total, :ack) ON CONFLICT (target, video_sha256) DO UPDATE SET "
            "session_uri = EXCLUDED.session_uri, total_bytes = EXCLUDED.total_bytes, "
            "acknowledged_bytes = EXCLUDED.acknowledged_bytes, updated_at = now()"
        )
        values = {"uri": session.uri, "total": session.total, "ack": session.acknowledged}
        with self.engine.begin() as conn:
            conn.execute(statement, {"target": target, "sha": video_sha256, **values})

    def drop_session(self, target: str, video_sha256: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM upload_sessions WHERE {_KEY}"), {"target": target, "sha": video_sha256})

    @contextmanager
    def hold(self, target: str, video_sha256: str) -> Iterator[None]:
        key = claim_key(target, video_sha256)
        with self.engine.connect() as conn:
            self._lock(conn, key, target)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()

    def _lock(self, conn: Connection, key: int, target: str) -> None:
        """Wait for the session-level lock; the timeout is transaction-local, the lock outlives the commit."""
        timeout_ms = f"{self.claim_timeout_s * 1000:.0f}"
        conn.execute(text("SELECT set_config('lock_timeout', :ms, true)"), {"ms": timeout_ms})
        try:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        except OperationalError as exc:
            conn.rollback()
            raise PublishError(
                f"another run has been publishing this video to {target} for over {self.claim_timeout_s:g} s"
            ) from exc
        conn.commit()
