//! The Janu web server: HTTP API, live coaching over WebSocket, web pages.
