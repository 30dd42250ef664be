"""Media processing: image variants, video transcoding and thumbnails.

Variant generation and transcoding write their output piece by piece, so
a failed attempt leaves partial files behind. Both declare a compensation
that the worker runs before a retry to remove them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Tuple

from registry import handle, handler

from cms_jobs import store
from cms_jobs.payloads import (
    InvalidPayloadError,
    Payload,
    optional_int,
    require_int,
    require_str,
)

IMAGE_FORMATS = ("avif", "jpeg", "webp")
VIDEO_RENDITIONS = ("360p", "720p", "1080p")
CHUNK_BYTES = 64 * 1024
SEGMENT_BYTES = 256 * 1024


class MediaNotFoundError(LookupError):
    """The media row or its original file does not exist."""


def load_original(media_id: str) -> bytes:
    row = store.media.get(media_id)
    if row is None:
        raise MediaNotFoundError(f"media {media_id!r} not found")
    path = str(row["original_path"])
    if not store.blobs.exists(path):
        raise MediaNotFoundError(
            f"original file {path!r} of media {media_id!r} not found"
        )
    return store.blobs.read(path)


def encode_variant(
    original: bytes, width: int, image_format: str
) -> Iterator[bytes]:
    """Yield a resized copy of `original` in chunks.

    Stand-in for a streaming image encoder: the output is a one-line
    header followed by the source bytes.
    """
    yield f"{image_format};width={width}\n".encode()
    for start in range(0, len(original), CHUNK_BYTES):
        yield original[start:start + CHUNK_BYTES]


@dataclass(frozen=True)
class VariantRequest:
    media_id: str
    width: int
    image_format: str

    @classmethod
    def from_payload(cls, payload: Payload) -> VariantRequest:
        image_format = require_str(payload, "format")
        if image_format not in IMAGE_FORMATS:
            raise InvalidPayloadError(
                f"unsupported image format {image_format!r}; "
                f"use one of {', '.join(IMAGE_FORMATS)}"
            )
        return cls(
            media_id=require_str(payload, "media_id"),
            width=require_int(payload, "width", minimum=1),
            image_format=image_format,
        )

    @property
    def path(self) -> str:
        return f"variants/{self.media_id}/{self.width}w.{self.image_format}"

    @property
    def partial_path(self) -> str:
        return self.path + ".partial"


def remove_partial_variant(payload: Payload) -> bool:
    """Delete the unfinished file of a failed variant generation.

    Returns whether there was one to delete.
    """
    request = VariantRequest.from_payload(payload)
    return store.blobs.delete(request.partial_path)


@handler("media.variant.generate", compensate=remove_partial_variant)
def generate_variant(payload: Payload) -> str:
    """Write a resized copy of an image and record it on the media row.

    The encoder streams into '<path>.partial', which is renamed only
    after the last chunk, so readers never see a truncated variant.
    A retry that appended to the partial file of an earlier attempt
    would corrupt it, which is why the compensation deletes that file.
    """
    request = VariantRequest.from_payload(payload)
    original = load_original(request.media_id)
    chunks = encode_variant(original, request.width, request.image_format)
    for chunk in chunks:
        store.blobs.append(request.partial_path, chunk)
    store.blobs.move(request.partial_path, request.path)

    row = store.media.get(request.media_id)
    if row is not None:
        variants = list(row.get("variants", []))
        if request.path not in variants:
            variants.append(request.path)
        row["variants"] = variants
    return request.path


def encode_segment(source: bytes, rendition: str) -> bytes:
    """Stand-in for a video encoder: tag one chunk of source bytes."""
    return rendition.encode() + b"|" + source


@handler("media.video.transcode")
class TranscodeVideo:
    """Cut a video into HLS segments for one rendition.

    Segments are written one by one and the playlist last, so a failure
    part-way leaves segments without a playlist.
    """

    def run(self, payload: Payload) -> str:
        media_id, rendition = self._target(payload)
        source = load_original(media_id)
        prefix = self._prefix(media_id, rendition)
        names = []
        for index, start in enumerate(range(0, len(source), SEGMENT_BYTES)):
            name = f"seg-{index:05d}.ts"
            chunk = source[start:start + SEGMENT_BYTES]
            store.blobs.put(prefix + name, encode_segment(chunk, rendition))
            names.append(name)

        playlist = ["#EXTM3U", "#EXT-X-VERSION:3"]
        for name in names:
            playlist += ["#EXTINF:6.0,", name]
        playlist.append("#EXT-X-ENDLIST")
        playlist_path = prefix + "index.m3u8"
        store.blobs.put(playlist_path, "\n".join(playlist).encode())

        row = store.media.get(media_id)
        if row is not None:
            renditions = dict(row.get("renditions", {}))
            renditions[rendition] = playlist_path
            row["renditions"] = renditions
        return playlist_path

    def compensate(self, payload: Payload) -> int:
        """Delete every file of the rendition; return how many.

        Also deletes a complete rendition left by an attempt whose
        acknowledgement was lost, which the retry then writes again.
        """
        media_id, rendition = self._target(payload)
        deleted = 0
        for path in store.blobs.paths(self._prefix(media_id, rendition)):
            if store.blobs.delete(path):
                deleted += 1
        row = store.media.get(media_id)
        if row is not None and rendition in row.get("renditions", {}):
            renditions = dict(row["renditions"])
            del renditions[rendition]
            row["renditions"] = renditions
        return deleted

    @staticmethod
    def _target(payload: Payload) -> Tuple[str, str]:
        media_id = require_str(payload, "media_id")
        rendition = require_str(payload, "rendition")
        if rendition not in VIDEO_RENDITIONS:
            raise InvalidPayloadError(
                f"unknown rendition {rendition!r}; "
                f"use one of {', '.join(VIDEO_RENDITIONS)}"
            )
        return media_id, rendition

    @staticmethod
    def _prefix(media_id: str, rendition: str) -> str:
        return f"video/{media_id}/{rendition}/"


def extract_thumbnail(payload: Payload) -> str:
    """Store a poster frame for a video as thumbnails/<media id>.jpg.

    `offset_bytes` picks the frame; it is clamped to the file. Rerunning
    overwrites the same file.
    """
    media_id = require_str(payload, "media_id")
    offset = optional_int(payload, "offset_bytes", 0)
    source = load_original(media_id)
    offset = min(offset, max(len(source) - CHUNK_BYTES, 0))
    frame = source[offset:offset + CHUNK_BYTES]
    path = f"thumbnails/{media_id}.jpg"
    store.blobs.put(path, b"JPEG|" + frame)
    row = store.media.get(media_id)
    if row is not None:
        row["thumbnail_path"] = path
    return path


handle("media.thumbnail.extract", extract_thumbnail)
