//! The S3 target's HTTP client: reqwest as object_store would set it up, but a request fails
//! when it makes no progress for the stall timeout (no request body bytes taken by the
//! connection, no response bytes arriving), not when the whole of it takes longer than some
//! fixed time: a large part on a slow line is fine, a hung connection is given up in seconds.
//! object_store retries a stalled request as it retries any timeout.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use object_store::client::{
    HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpRequestBody,
    HttpResponse, HttpResponseBody, HttpService,
};

/// Request bodies are handed to the connection in slices this large: each slice taken is
/// progress.
const SLICE: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct StallConnector {
    pub connect_timeout: Duration,
    pub stall_timeout: Duration,
    pub allow_http: bool,
    /// Set when a request whose path holds `watch` was given up: the store may still get it.
    pub gave_up: Arc<AtomicBool>,
    pub watch: &'static str,
}

impl HttpConnector for StallConnector {
    fn connect(&self, _: &object_store::ClientOptions) -> object_store::Result<HttpClient> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("onair/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(self.connect_timeout)
            .no_gzip()
            .no_brotli()
            .no_zstd()
            .no_deflate()
            .https_only(!self.allow_http)
            .build()
            .map_err(|e| object_store::Error::Generic {
                store: "S3",
                source: Box::new(e),
            })?;
        Ok(HttpClient::new(StallService {
            client,
            stall: self.stall_timeout,
            gave_up: self.gave_up.clone(),
            watch: self.watch,
        }))
    }
}

#[derive(Debug)]
struct StallService {
    client: reqwest::Client,
    stall: Duration,
    gave_up: Arc<AtomicBool>,
    watch: &'static str,
}

/// When the request last made progress.
type Last = Arc<Mutex<Instant>>;

fn touch(last: &Last) {
    if let Ok(mut t) = last.lock() {
        *t = Instant::now();
    }
}

fn since(last: &Last) -> Duration {
    last.lock().map(|t| t.elapsed()).unwrap_or_default()
}

fn stalled(stall: Duration) -> HttpError {
    HttpError::new(
        HttpErrorKind::Timeout,
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "the connection made no progress for {} s (deploy.stall_timeout)",
                stall.as_secs_f64()
            ),
        ),
    )
}

fn reqwest_error(e: reqwest::Error) -> HttpError {
    let kind = if e.is_timeout() {
        HttpErrorKind::Timeout
    } else if e.is_connect() {
        HttpErrorKind::Connect
    } else if e.is_body() || e.is_request() {
        HttpErrorKind::Request
    } else {
        HttpErrorKind::Unknown
    };
    HttpError::new(kind, e.without_url())
}

#[async_trait::async_trait]
impl HttpService for StallService {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = req.into_parts();
        let watched = parts.uri.path().contains(self.watch);
        let url: reqwest::Url = parts
            .uri
            .to_string()
            .parse()
            .map_err(|e| HttpError::new(HttpErrorKind::Request, e))?;
        let last: Last = Arc::new(Mutex::new(Instant::now()));
        let mut r = reqwest::Request::new(parts.method, url);
        *r.headers_mut() = parts.headers;
        *r.body_mut() = Some(reqwest::Body::wrap(Sliced {
            inner: body,
            pending: Bytes::new(),
            last: last.clone(),
        }));
        let response = self.client.execute(r);
        tokio::pin!(response);
        let response = loop {
            let left = self.stall.saturating_sub(since(&last));
            tokio::select! {
                r = &mut response => break r.map_err(reqwest_error)?,
                () = tokio::time::sleep(left) => {
                    if since(&last) >= self.stall {
                        if watched {
                            self.gave_up.store(true, Ordering::SeqCst);
                        }
                        return Err(stalled(self.stall));
                    }
                }
            }
        };
        let response: http::Response<reqwest::Body> = response.into();
        let (parts, body) = response.into_parts();
        let body = Watched {
            inner: body,
            stall: self.stall,
            timer: Box::pin(tokio::time::sleep(self.stall)),
        };
        Ok(HttpResponse::from_parts(parts, HttpResponseBody::new(body)))
    }
}

/// A request body handed over in slices, each one taken noted as progress.
struct Sliced {
    inner: HttpRequestBody,
    pending: Bytes,
    last: Last,
}

impl Body for Sliced {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        if self.pending.is_empty() {
            match Pin::new(&mut self.inner).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => self.pending = data,
                    Err(frame) => return Poll::Ready(Some(Ok(frame))),
                },
                other => return other,
            }
        }
        let n = self.pending.len().min(SLICE);
        let slice = self.pending.split_to(n);
        touch(&self.last);
        Poll::Ready(Some(Ok(Frame::data(slice))))
    }

    fn is_end_stream(&self) -> bool {
        self.pending.is_empty() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let mut h = self.inner.size_hint();
        let n = self.pending.len() as u64;
        h.set_lower(h.lower() + n);
        if let Some(u) = h.upper() {
            h.set_upper(u + n);
        }
        h
    }
}

/// A response body that fails when no bytes arrive for the stall timeout.
struct Watched {
    inner: reqwest::Body,
    stall: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl Body for Watched {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(r) => {
                let deadline = tokio::time::Instant::now() + self.stall;
                self.timer.as_mut().reset(deadline);
                Poll::Ready(r.map(|r| r.map_err(reqwest_error)))
            }
            Poll::Pending => match self.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(stalled(self.stall)))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
