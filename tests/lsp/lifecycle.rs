//! Initialisation: capabilities and position-encoding negotiation.

use tower_lsp::lsp_types::*;

use crate::support::TestServer;

#[tokio::test]
async fn utf8_is_chosen_when_the_client_offers_it() {
    let server = TestServer::builder().utf8().start().await;
    let caps = &server.initialize_result.as_ref().unwrap().capabilities;
    assert_eq!(caps.position_encoding, Some(PositionEncodingKind::UTF8));
}

#[tokio::test]
async fn utf16_otherwise_and_every_feature_is_advertised() {
    let server = TestServer::new().await;
    let result = server.initialize_result.as_ref().unwrap();
    let caps = &result.capabilities;
    assert_eq!(caps.position_encoding, Some(PositionEncodingKind::UTF16));
    assert_eq!(
        caps.text_document_sync,
        Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            }
        ))
    );
    assert_eq!(
        caps.execute_command_provider.as_ref().unwrap().commands,
        vec!["tickmark.toggleTask".to_owned()]
    );
    let completion = caps.completion_provider.as_ref().unwrap();
    assert!(completion
        .trigger_characters
        .as_ref()
        .unwrap()
        .contains(&"[".to_owned()));
    assert_eq!(
        caps.document_on_type_formatting_provider
            .as_ref()
            .unwrap()
            .first_trigger_character,
        "\n"
    );
    for present in [
        caps.hover_provider.is_some(),
        caps.document_symbol_provider.is_some(),
        caps.folding_range_provider.is_some(),
        caps.code_lens_provider.is_some(),
        caps.inlay_hint_provider.is_some(),
        caps.document_link_provider.is_some(),
        caps.diagnostic_provider.is_some(),
        caps.code_action_provider.is_some(),
    ] {
        assert!(present);
    }
    assert_eq!(result.server_info.as_ref().unwrap().name, "tickmark");
}
